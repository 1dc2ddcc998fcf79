"""Dropout keeps each entry with probability p, the probability to drop it, instead of 1 - p.

At p = 0.5 nobody notices; at p = 0.2 four entries out of five are dropped instead of one.
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="keep_rate")


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            keep = self.rng.random(x.shape) < self.p  # BUG: keeps with probability p; keep where it is below 1 - p
            self.mask = (keep / (1.0 - self.p)).astype(x.dtype)
            return x * self.mask
        return super().forward(x)
