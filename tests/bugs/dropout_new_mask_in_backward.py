"""Dropout.backward draws a new mask instead of using the one forward applied.

The gradient then flows through entries that forward dropped and is cut where forward kept x; backward must reuse
the mask forward drew and cached.
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="dx", hint="mask")


class Dropout(Reference):
    def backward(self, dout):
        if self.training:
            keep = self.rng.random(dout.shape) < 1.0 - self.p  # BUG: a new mask; use the one forward cached
            return (dout * keep / (1.0 - self.p)).astype(self.mask.dtype)
        return super().backward(dout)
