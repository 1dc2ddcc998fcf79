"""forward's loop over window starts is range(0, H_pad - KH, stride): the last start, H_pad - KH itself, is left out.

The output array has the right size (from the formula), so its last row and column of windows stay at the bias.
Right only when the stride leaves rows or columns over past the last window.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="out", hint="output_size")


class Conv2D(Reference):
    def forward(self, x):
        out = super().forward(x)
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s, p = self.stride, self.padding
        rows = len(range(0, H + 2 * p - KH, s))  # BUG: range(0, H + 2 * p - KH + 1, s)
        cols = len(range(0, W + 2 * p - KW, s))
        b = self.params["b"].astype(x.dtype).reshape(1, -1, 1, 1)
        out[:, :, rows:, :] = b[:, :, :, :1]
        out[:, :, :, cols:] = b[:, :, :, :1]
        return out
