"""Dropout scales the kept entries by 1 / (1 - p) rounded to float32
(e.g. the factor computed once as an np.float32, "to keep the arithmetic cheap"), so float64 values are wrong from the
eighth digit; compute the factor in the data's dtype.

Multiplied into float64 data the factor stays rounded to float32: kept entries are x * 1.4285714626312256 instead
of x / 0.7 = x * 1.4285714285714286, wrong from the eighth digit on. Backward uses the same cached mask, so only the
forward is wrong.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="scale")


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            keep = self.rng.random(x.shape) < 1.0 - self.p
            factor = np.float32(1.0 / (1.0 - self.p))  # BUG: a Python float (or x.dtype) keeps every digit
            self.mask = keep.astype(x.dtype) * factor
            return x * self.mask
        return super().forward(x)
