"""Training-mode forward refuses a batch with two values per channel (N*H*W = 2), which the contract accepts.

The guard against a batch too small for the unbiased variance is off by one: M - 1 must not be 0, so M = 2 is
the smallest valid batch (its unbiased variance is twice the biased one), yet `count <= 2` raises there. Right for
every batch of 3 values per channel or more.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="out", hint=None)


class BatchNorm2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        count = N * H * W
        if self.training and count <= 2:  # BUG: < 2; two values per channel are enough
            raise ValueError(f"training mode needs at least 3 values per channel (N*H*W), got {count}")
        return super().forward(x)
