"""forward views x through strides worked out from its shape and itemsize, as if x were always row-major.

The student builds the window view with `np.lib.stride_tricks.as_strided` and computes the strides by hand
(`itemsize * W`, `itemsize * H * W`, ...) instead of reading `x.strides`. Every test on a fresh C-contiguous array
passes; a transposed or sliced array, or another layer's output in another memory order, is read from the wrong
memory (set I's miss).
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="out", hint="memory_order")


class Conv2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        size = x.itemsize
        row_major = (C * H * W * size, H * W * size, W * size, size)
        x = np.lib.stride_tricks.as_strided(x, shape=x.shape, strides=row_major)  # BUG: x.strides, not these
        return super().forward(x)
