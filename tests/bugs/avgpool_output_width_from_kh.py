"""Average-pool forward computes the output width with KH where KW belongs: `W_out = (W - KH) // stride + 1`, a
copy-pasted line.

Right for square windows. With KH < KW the output is too wide (and the window slices run short, so the sum may not
broadcast); with KH > KW it is too narrow.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="shape", hint="square")


class AvgPool2D(Reference):
    def forward(self, x):
        self.x_shape, self.x_dtype = x.shape, x.dtype
        if self.global_pool:
            return x.mean(axis=(2, 3))
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s = self.stride
        H_out = (H - KH) // s + 1
        W_out = (W - KH) // s + 1  # BUG: (W - KW) // s + 1
        total = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
        for i in range(H_out):
            for j in range(W_out):
                total[:, :, i, j] = x[:, :, i * s:i * s + KH, j * s:j * s + KW].sum(axis=(2, 3))
        return total / (KH * KW)
