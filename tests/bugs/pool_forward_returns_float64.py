"""Max-pool forward allocates its output with `np.zeros(shape)`, which is float64 whatever the input's dtype.

The values are right, but a float32 network silently switches to float64 after the first pool. The contract asks
for the input's dtype: `np.zeros(shape, dtype=x.dtype)`.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dtype", hint="dtype")


class MaxPool2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        stride = self.stride
        H_out = (H - KH) // stride + 1
        W_out = (W - KW) // stride + 1

        out = np.zeros((N, C, H_out, W_out))  # BUG: dtype=x.dtype
        for i in range(H_out):
            for j in range(W_out):
                window = x[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
                out[:, :, i, j] = window.max(axis=(2, 3))

        self.x, self.out = x, out
        return out
