"""Dropout draws one mask for a single sample (x.shape[1:]) and broadcasts it over the batch.

Every sample of a batch then loses the same features; dropout must decide for each entry of x separately.
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="independent")


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            keep = self.rng.random(x.shape[1:]) < 1.0 - self.p  # BUG: one mask for every sample; use x.shape
            self.mask = (keep / (1.0 - self.p)).astype(x.dtype)
            return x * self.mask
        return super().forward(x)
