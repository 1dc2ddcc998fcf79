"""Average-pool forward sums the windows into `np.zeros(shape)`, which is float64 whatever the input's dtype.

The values are right, but a float32 network silently switches to float64 after the first pool. The contract asks
for the input's dtype: `np.zeros(shape, dtype=x.dtype)`.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dtype", hint="dtype")


class AvgPool2D(Reference):
    def forward(self, x):
        if self.global_pool:
            return super().forward(x)
        self.x_shape, self.x_dtype = x.shape, x.dtype
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = (H - KH) // s + 1, (W - KW) // s + 1
        total = np.zeros((N, C, H_out, W_out))  # BUG: dtype=x.dtype
        for p in range(KH):
            for q in range(KW):
                total += x[:, :, p:p + s * H_out:s, q:q + s * W_out:s]
        return total / (KH * KW)
