"""The global average pool takes `x[n].mean()`, which averages over the channels too: every channel of an image
gets the same number.

x[n] has shape (C, H, W), and .mean() without an axis averages all of it. The global pool averages each channel
on its own, over H and W only: x.mean(axis=(2, 3)). Right for one channel.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="out", hint="channels")


class AvgPool2D(Reference):
    def forward(self, x):
        if not self.global_pool:
            return super().forward(x)
        self.x_shape, self.x_dtype = x.shape, x.dtype
        N, C = x.shape[:2]
        out = np.zeros((N, C), dtype=x.dtype)
        for n in range(N):
            out[n] = x[n].mean()  # BUG: averages over C as well; x[n].mean(axis=(1, 2))
        return out
