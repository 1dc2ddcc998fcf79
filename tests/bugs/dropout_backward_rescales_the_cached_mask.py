"""backward divides the mask forward cached by 1 - p in place (mask = self.mask; mask /= 1 - p).

The first backward after a forward is right; the cached mask is then already scaled, so a second backward (the
contract allows it) scales twice.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="dx", hint="cache_written")


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            self.keep = (self.rng.random(x.shape) < 1.0 - self.p).astype(x.dtype)
            return x * self.keep / (1.0 - self.p)
        self.keep = np.ones((), dtype=x.dtype)
        return x.copy()

    def backward(self, dout):
        mask = self.keep
        if self.training:
            mask /= 1.0 - self.p  # BUG: mask = self.keep / (1.0 - self.p), a new array
        return dout * mask
