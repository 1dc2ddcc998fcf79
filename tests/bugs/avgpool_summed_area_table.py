"""Window sums come from a summed-area table: four look-ups in one cumulative sum over the whole image.

Fast, and right on ordinary inputs; but every window's sum is now a difference of sums over everything above and
to the left of it. A huge value (1e20) earlier in the image swallows the small ones, so the next window averages
to 0, and huge values in separate windows overflow the table to inf.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="out", hint="cancellation")


class AvgPool2D(Reference):
    def forward(self, x):
        if self.global_pool:
            return super().forward(x)
        self.x_shape, self.x_dtype = x.shape, x.dtype
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s = self.stride
        table = np.zeros((N, C, H + 1, W + 1), dtype=x.dtype)
        table[:, :, 1:, 1:] = x.cumsum(axis=2).cumsum(axis=3)  # BUG: sum each window on its own
        rows = (np.arange((H - KH) // s + 1) * s)[:, None]
        cols = (np.arange((W - KW) // s + 1) * s)[None, :]
        total = (table[:, :, rows + KH, cols + KW] - table[:, :, rows, cols + KW]
                 - table[:, :, rows + KH, cols] + table[:, :, rows, cols])
        return total / (KH * KW)
