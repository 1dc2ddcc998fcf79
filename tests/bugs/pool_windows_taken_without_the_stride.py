"""Max-pool's windows ignore the stride: window (i, j) is taken at (i, j) instead of (i*stride, j*stride), so dout[i, j]
goes to the maximum of the wrong patch, e.g. the first H_out x W_out windows of sliding_window_view(x, (KH, KW)), which
holds a window at every position, taken without [::stride, ::stride] (check forward's windows as well as backward's).

With stride 1 it is right; with the default stride (= the kernel size) the windows overlap where they should tile
the image. The cached argmax follows these windows, so backward is right for this forward.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="out", hint="stride")


class MaxPool2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        H_out, W_out = (H - KH) // self.stride + 1, (W - KW) // self.stride + 1
        windows = sliding_window_view(x, (KH, KW), axis=(2, 3))[:, :, :H_out, :W_out]  # BUG: [:, :, ::s, ::s] first
        flat = windows.reshape(N, C, H_out, W_out, KH * KW)
        self.x_shape, self.windows_at = x.shape, np.argmax(flat, axis=-1)
        return np.take_along_axis(flat, self.windows_at[..., None], axis=-1)[..., 0]

    def backward(self, dout):
        N, C, H, W = self.x_shape
        KH, KW = self.kernel_size
        dx = np.zeros(self.x_shape, dtype=dout.dtype)
        rows, cols = np.unravel_index(self.windows_at, (KH, KW))
        n, c, i, j = np.indices(self.windows_at.shape)
        np.add.at(dx, (n, c, i + rows, j + cols), dout)  # right for this forward's windows (one step apart)
        return dx
