"""Dropout multiplies the kept entries by 1 - p instead of dividing them by it: the old, non-inverted dropout.

Without the factor 1 / (1 - p) the expected output in training is (1 - p) * x, not x, so a network trained this way
sees larger activations in eval mode, where inverted dropout does no scaling. Backward uses the same cached mask, so
it is consistent with this forward: only the forward is wrong.
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="scale")


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            keep = self.rng.random(x.shape) < 1.0 - self.p
            self.mask = (keep * (1.0 - self.p)).astype(x.dtype)  # BUG: multiplies by 1 - p; divide by it
            return x * self.mask
        return super().forward(x)
