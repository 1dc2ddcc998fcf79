"""forward takes the maximum of a sliding_window_view over axes (2, 3), the window positions, not the window.

The view is (N, C, H_out, W_out, KH, KW); .max(axis=(2, 3)) gives one (KH, KW) block per image and channel.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="shape", hint="axis")


class MaxPool2D(Reference):
    def forward(self, x):
        super().forward(x)  # fills the cache
        KH, KW = self.kernel_size
        view = np.lib.stride_tricks.sliding_window_view(x, (KH, KW), axis=(2, 3))[:, :, ::self.stride, ::self.stride]
        return view.max(axis=(2, 3))  # BUG: axis=(4, 5)
