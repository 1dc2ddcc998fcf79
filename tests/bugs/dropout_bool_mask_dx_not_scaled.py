"""Dropout's backward passes dout through the kept entries without the factor 1 / (1 - p) that forward applied, e.g.
np.where(mask, dout, 0) with a cached boolean mask; dx = dout * mask / (1 - p).

np.where(mask, x / (1 - p), 0) is a right forward, but the gradient of x / (1 - p) is dout / (1 - p), not dout.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="dx", hint="scale")


class Dropout(Reference):
    def forward(self, x):
        self.keep = self.rng.random(x.shape) >= self.p if self.training else np.ones(x.shape, dtype=bool)
        self.factor = 1.0 / (1.0 - self.p) if self.training else 1.0
        return np.where(self.keep, x * self.factor, 0).astype(x.dtype)

    def backward(self, dout):
        return np.where(self.keep, dout, 0).astype(dout.dtype)  # BUG: dout * factor where the mask is True
