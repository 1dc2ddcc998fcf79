"""Dropout draws its mask on the first forward call only and reuses it for every later batch of that shape.

Every batch then drops the same units: the network learns to live without them instead of being regularised, and
the mask is no longer random from one step to the next.
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="mask_reused")


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            drawn = getattr(self, "drawn", None)
            if drawn is None or drawn.shape != x.shape:  # BUG: drawn once; draw a new mask on every call
                self.drawn = self.rng.random(x.shape) < 1.0 - self.p
            self.mask = (self.drawn / (1.0 - self.p)).astype(x.dtype)
            return x * self.mask
        return super().forward(x)
