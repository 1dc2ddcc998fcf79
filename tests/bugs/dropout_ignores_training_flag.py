"""Dropout drops entries in eval mode too: forward never reads self.training.

After eval() the layer must be the identity, so that a trained network gives the same answer for the same input
every time; this one keeps dropping random units at test time.
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="eval")


class Dropout(Reference):
    def forward(self, x):
        keep = self.rng.random(x.shape) < 1.0 - self.p  # BUG: also in eval mode; only when self.training is True
        self.mask = (keep / (1.0 - self.p)).astype(x.dtype)
        return x * self.mask
