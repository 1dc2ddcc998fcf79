"""Dropout drops whole channels, as PyTorch's Dropout2d does: one number per (sample, channel), broadcast over
the remaining axes.

That is a different layer (spatial dropout). This exercise's dropout decides for each entry of x separately.
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="independent")


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            per_channel = x.shape[:2] + (1,) * (x.ndim - 2)
            keep = self.rng.random(per_channel) < 1.0 - self.p  # BUG: one draw per channel; use x.shape
            self.mask = (keep / (1.0 - self.p)).astype(x.dtype)
            return x * self.mask
        return super().forward(x)
