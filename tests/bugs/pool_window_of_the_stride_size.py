"""Max-pool cuts each window as x[i*s : i*s + s, j*s : j*s + s]: the stride used as the window's size.

Right whenever the stride equals a square kernel (2x2 at stride 2, the usual setting), wrong for overlapping
windows, spaced-out windows and rectangular kernels. (Backward here keeps the right windows' cache: only the
forward is wrong.)
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="out", hint="window")


class MaxPool2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = (H - KH) // s + 1, (W - KW) // s + 1
        out = np.empty((N, C, H_out, W_out), dtype=x.dtype)
        for i in range(H_out):
            for j in range(W_out):
                out[:, :, i, j] = x[:, :, i * s:i * s + s, j * s:j * s + s].max(axis=(2, 3))  # BUG: + KH, + KW
        super().forward(x)  # the reference's cache, for a backward that is not this entry's subject
        return out
