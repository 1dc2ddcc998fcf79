"""The kernel pair is unpacked as KW, KH = kernel_size: rows of the window taken from the column count.

Invisible for square windows; a 1x2 window pools 2x1 instead (another output size).
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="shape", hint="square")


class MaxPool2D(Reference):
    def forward(self, x):
        super().forward(x)  # fills the cache
        KW, KH = self.kernel_size  # BUG: KH, KW = self.kernel_size
        s = self.stride
        N, C, H, W = x.shape
        H_out, W_out = (H - KH) // s + 1, (W - KW) // s + 1
        out = np.empty((N, C, H_out, W_out), dtype=x.dtype)
        for i in range(H_out):
            for j in range(W_out):
                out[:, :, i, j] = x[:, :, i * s:i * s + KH, j * s:j * s + KW].max(axis=(2, 3))
        return out
