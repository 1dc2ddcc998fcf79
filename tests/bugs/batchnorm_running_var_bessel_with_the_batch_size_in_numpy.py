"""BatchNorm's unbiased correction for running_var uses the batch size, var * N / (N - 1), computed on arrays: with
one image NumPy divides by zero without raising, and running_var becomes inf.

Where a channel holds M = N*H*W values the correction is var * M / (M - 1); with several images this one is merely
wrong, with one image it is infinite (the forward's output itself stays right).
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="running_var", hint="unbiased_var")


class BatchNorm2D(Reference):
    def forward(self, x):
        if not self.training:
            return super().forward(x)
        mean_before, var_before = self.running_mean.copy(), self.running_var.copy()
        out = super().forward(x)
        N = x.shape[0]
        var = np.asarray(x, dtype=np.float64).var(axis=(0, 2, 3))
        m = self.momentum
        self.running_mean = mean_before * (1 - m) + m * np.asarray(x, dtype=np.float64).mean(axis=(0, 2, 3))
        with np.errstate(divide="ignore"):
            self.running_var = (1 - m) * var_before + m * var * N / (N - 1)  # BUG: M / (M - 1), M = N*H*W
        return out
