"""Average pool divides by the number of windows, H_out * W_out, where the window's size KH * KW belongs (in forward's
mean, and in backward's share of dout per cell).

A mean divides by how many numbers it adds up: the KH * KW cells of one window. H_out * W_out counts the windows,
which happens to equal KH * KW for a 2x2 pool of a 4x4 image and for nothing else. Backward makes the same mistake,
so it agrees with this forward and only the forward values are wrong.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="out", hint="scale")


class AvgPool2D(Reference):
    def forward(self, x):
        if self.global_pool:
            return super().forward(x)
        self.x_shape, self.x_dtype = x.shape, x.dtype
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = (H - KH) // s + 1, (W - KW) // s + 1
        out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
        for i in range(H_out):
            for j in range(W_out):
                out[:, :, i, j] = x[:, :, i * s:i * s + KH, j * s:j * s + KW].sum(axis=(2, 3))
        return out / (H_out * W_out)  # BUG: a window's mean divides by its KH * KW cells

    def backward(self, dout):
        if self.global_pool:
            return super().backward(dout)
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = dout.shape[2:]
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        for i in range(H_out):
            for j in range(W_out):
                dx[:, :, i * s:i * s + KH, j * s:j * s + KW] += dout[:, :, i:i + 1, j:j + 1] / (H_out * W_out)
        return dx
