"""Dropout draws its mask from NumPy's global generator (np.random.rand) instead of the layer's own rng.

The masks then ignore the seed the layer was given: two runs with the same seed drop different units, and a
training run cannot be reproduced.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="mask_rng")


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            keep = np.random.rand(*x.shape) < 1.0 - self.p  # BUG: the global generator; draw from self.rng
            self.mask = (keep / (1.0 - self.p)).astype(x.dtype)
            return x * self.mask
        return super().forward(x)
