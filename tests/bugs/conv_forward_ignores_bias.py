"""Forward leaves out the bias b.

The student tested with the constructor's zero bias, where it makes no difference. The checker fills b with
non-zero values, so the output is off by b[f] in every pixel of filter f.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tests.variants.conv_whole_batch_im2col import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="out", hint="bias")


class Conv2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        stride, padding = self.stride, self.padding
        H_out = (H + 2 * padding - KH) // stride + 1
        W_out = (W + 2 * padding - KW) // stride + 1

        x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, ::stride, ::stride]
        cols = windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * KH * KW, N * H_out * W_out)

        w = self.params["W"].astype(x.dtype, copy=False).reshape(F, C * KH * KW)
        out = w @ cols  # BUG: + b[:, None] is missing

        self.x, self.cols = x, cols
        return out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)
