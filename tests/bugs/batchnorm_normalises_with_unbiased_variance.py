"""The batch is normalised with the unbiased variance (ddof=1, divided by N*H*W - 1) instead of the biased one.

The two variances are mixed up between the batch and the running statistics: np.var(..., ddof=1) belongs to
running_var only. The output is slightly too small in magnitude (by sqrt((M - 1) / M)), and running_var, which
rescales this variance once more, is off too.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="out", hint="unbiased_var")


class BatchNorm2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        count = N * H * W
        if self.training:
            if count < 2:
                raise ValueError(f"training mode needs at least 2 values per channel (N*H*W), got {count}")
            mean = x.mean(axis=(0, 2, 3))
            var = x.var(axis=(0, 2, 3), ddof=1)  # BUG: x.var(axis=(0, 2, 3)), the biased variance normalises
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * (count / (count - 1))
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = (1.0 / np.sqrt(var + self.eps)).astype(x.dtype).reshape(1, C, 1, 1)
        xhat = (x - mean.astype(x.dtype).reshape(1, C, 1, 1)) * inv_std
        self.xhat, self.inv_std, self.trained = xhat, inv_std, self.training
        gamma = self.params["gamma"].astype(x.dtype).reshape(1, C, 1, 1)
        beta = self.params["beta"].astype(x.dtype).reshape(1, C, 1, 1)
        return gamma * xhat + beta
