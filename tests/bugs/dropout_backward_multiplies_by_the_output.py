"""Dropout's backward multiplies dout by forward's output, x * mask / (1 - p), instead of by the scaled mask, mask /
(1 - p): e.g. forward wrote its output into the mask's array and backward still reads it as the mask.

`np.multiply(self.mask, x, out=self.mask)` saves an allocation, but afterwards self.mask holds x * mask / (1 - p),
so backward returns dout * out instead of dout * mask / (1 - p).
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="dx", hint="stale_cache")


class Dropout(Reference):
    def forward(self, x):
        if not self.training:
            return super().forward(x)
        keep = self.rng.random(x.shape) < 1.0 - self.p
        self.mask = (keep / (1.0 - self.p)).astype(x.dtype)
        np.multiply(self.mask, x, out=self.mask)  # BUG: the output overwrites the mask backward needs
        return self.mask.copy()
