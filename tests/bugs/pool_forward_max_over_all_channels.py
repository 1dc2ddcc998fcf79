"""Max-pool forward takes one maximum over all channels of a window instead of one per channel
(e.g. `max()` without `axis=`).

The student meant the maximum of each channel's window but wrote the max without `axis=`, so it runs over the
channel axis too and broadcasts one number into out[n, :, i, j]. Right only for a single channel.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="out", hint=None)


class MaxPool2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        stride = self.stride
        H_out = (H - KH) // stride + 1
        W_out = (W - KW) // stride + 1

        out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
        for n in range(N):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, :, i * stride:i * stride + KH, j * stride:j * stride + KW]  # (C, KH, KW)
                    out[n, :, i, j] = window.max()  # BUG: window.max(axis=(1, 2)), one maximum per channel

        self.x, self.out = x, out
        return out
