"""The mask compares a random whole percent with int(p * 100): the drop rate is rounded down to whole percents.

Dropout(0.5) is exact, so the usual runs look right; Dropout(0.005) drops nothing at all, and Dropout(0.29) drops 28%.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="keep_rate")


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            keep = self.rng.integers(0, 100, size=x.shape) >= int(self.p * 100)  # BUG: self.rng.random(x.shape) >= p
            self.mask = (keep / (1.0 - self.p)).astype(x.dtype, copy=False)
        else:
            self.mask = np.ones((), dtype=x.dtype)
        return x * self.mask
