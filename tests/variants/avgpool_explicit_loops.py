"""Average pool with explicit loops over the output positions, each window sliced and averaged with .mean().

The textbook way: out[:, :, i, j] is the mean of window (i, j); backward adds dout[:, :, i, j] / (KH*KW) into the
same window of dx. Slower than the reference's KH*KW strided slices, equally correct; the global pool is the
window of the whole image, its output's two spatial axes dropped.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = None


class AvgPool2D(Reference):
    def _window(self, H, W):
        return (H, W, 1) if self.global_pool else (*self.kernel_size, self.stride)

    def forward(self, x):
        N, C, H, W = x.shape
        self.x_shape, self.x_dtype = x.shape, x.dtype
        KH, KW, s = self._window(H, W)
        H_out, W_out = (H - KH) // s + 1, (W - KW) // s + 1
        out = np.empty((N, C, H_out, W_out), dtype=x.dtype)
        for i in range(H_out):
            for j in range(W_out):
                out[:, :, i, j] = x[:, :, i * s:i * s + KH, j * s:j * s + KW].mean(axis=(2, 3))
        return out[:, :, 0, 0].copy() if self.global_pool else out

    def backward(self, dout):
        N, C, H, W = self.x_shape
        KH, KW, s = self._window(H, W)
        if self.global_pool:
            dout = dout[:, :, None, None]
        H_out, W_out = dout.shape[2:]
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        for i in range(H_out):
            for j in range(W_out):
                dx[:, :, i * s:i * s + KH, j * s:j * s + KW] += dout[:, :, i:i + 1, j:j + 1] / (KH * KW)
        return dx
