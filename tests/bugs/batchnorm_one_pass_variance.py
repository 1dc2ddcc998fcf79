"""The variance is taken in one pass, mean(x**2) - mean(x)**2, in x's dtype.

Exact in real numbers, but in float32 on data with a large mean (raw features around 1000) the two terms cancel
and most digits are lost: the output is visibly off, though every test on data near zero passes (set J).
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="out", hint="cancellation")


class BatchNorm2D(Reference):
    def forward(self, x):
        if not self.training:
            return super().forward(x)
        N, C, H, W = x.shape
        count = N * H * W
        mean = x.mean(axis=(0, 2, 3))
        var = (x * x).mean(axis=(0, 2, 3)) - mean * mean  # BUG: cancels in float32; take the mean of (x - mean)**2
        m = self.momentum
        self.running_mean = (1 - m) * self.running_mean + m * mean
        self.running_var = (1 - m) * self.running_var + m * var * (count / (count - 1))
        inv_std = (1.0 / np.sqrt(var + self.eps)).astype(x.dtype).reshape(1, C, 1, 1)
        xhat = (x - mean.astype(x.dtype).reshape(1, C, 1, 1)) * inv_std
        self.xhat, self.inv_std, self.trained = xhat, inv_std, self.training
        gamma = self.params["gamma"].astype(x.dtype).reshape(1, C, 1, 1)
        beta = self.params["beta"].astype(x.dtype).reshape(1, C, 1, 1)
        return gamma * xhat + beta
