"""Avg-pool reads kernel_size as (KW, KH): each window is KW rows by KH columns.

Right for square kernels, wrong for a rectangular one, where each output averages a window of the other
orientation (cut at the image's edge). (Backward here is the reference's: only the forward is wrong.)
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="out", hint="window")


class AvgPool2D(Reference):
    def forward(self, x):
        if self.global_pool:
            return super().forward(x)
        KW, KH = self.kernel_size  # BUG: kernel_size is (KH, KW)
        N, C, H, W = x.shape
        s = self.stride
        H_out, W_out = (H - KW) // s + 1, (W - KH) // s + 1  # KW holds the true KH here: the contract's size
        out = np.empty((N, C, H_out, W_out), dtype=x.dtype)
        for i in range(H_out):
            for j in range(W_out):
                out[:, :, i, j] = x[:, :, i * s:i * s + KH, j * s:j * s + KW].mean(axis=(2, 3))
        super().forward(x)  # the reference's cache, for a backward that is not this entry's subject
        return out
