"""Dropout.backward multiplies dout by the 0/1 mask but forgets the factor 1 / (1 - p) that forward applied.

Forward caches the mask as 0s and 1s and divides by 1 - p when it computes the output; backward reuses the mask
alone, so every gradient that passes is (1 - p) times too small.
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="dx", hint="scale")


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            self.mask = (self.rng.random(x.shape) < 1.0 - self.p).astype(x.dtype)
            return x * self.mask / (1.0 - self.p)
        return super().forward(x)

    def backward(self, dout):
        return (dout * self.mask).astype(self.mask.dtype)  # BUG: forward divided by 1 - p; so must backward
