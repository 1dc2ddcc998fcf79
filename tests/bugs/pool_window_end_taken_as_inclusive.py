"""Max-pool slices each window as x[i*s : i*s + KH + 1, j*s : j*s + KW + 1], as if a slice's end were inclusive.

Every window is one row and one column too large (cut short only at the image's edge), so forward sometimes takes
the maximum of a neighbour's cell. (Backward here keeps the right windows' cache: only the forward is wrong.)
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="out", hint="output_size")


class MaxPool2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = (H - KH) // s + 1, (W - KW) // s + 1
        out = np.empty((N, C, H_out, W_out), dtype=x.dtype)
        for i in range(H_out):
            for j in range(W_out):
                out[:, :, i, j] = x[:, :, i * s:i * s + KH + 1, j * s:j * s + KW + 1].max(axis=(2, 3))  # BUG: no + 1
        super().forward(x)  # the reference's cache, for a backward that is not this entry's subject
        return out
