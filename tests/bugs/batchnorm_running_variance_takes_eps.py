"""eps is added to the batch variance once, at the top, and that sum also goes into running_var.

var = x.var(...) + eps serves the normalisation well; but the running estimate should be the variance itself
(unbiased), so every training step now nudges running_var up by about momentum * eps.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="running_var", hint="eps")


class BatchNorm2D(Reference):
    def forward(self, x):
        before = self.running_var.copy()
        out = super().forward(x)
        if self.training:
            N, C, H, W = x.shape
            count = N * H * W
            var = x.var(axis=(0, 2, 3)) + self.eps  # BUG: the running estimate takes x.var(...) alone
            self.running_var = (1 - self.momentum) * before + self.momentum * var * (count / (count - 1))
        return out
