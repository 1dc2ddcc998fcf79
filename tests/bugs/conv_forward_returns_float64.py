"""Forward multiplies by the float64 parameters without casting them, so float32 input gives float64 output.

NumPy promotes float32 @ float64 to float64, so training silently runs in float64 (twice the memory, half the
speed) and the next layer sees another dtype. The contract asks for `.astype(x.dtype)` on W and b.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tests.variants.conv_whole_batch_im2col import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dtype", hint="dtype")


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

        w = self.params["W"].reshape(F, C * KH * KW)  # BUG: .astype(x.dtype) is missing
        b = self.params["b"]
        out = w @ cols + b[:, None]

        self.x, self.cols = x, cols
        return out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)
