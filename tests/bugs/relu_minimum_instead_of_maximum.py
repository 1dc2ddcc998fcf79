"""forward returns np.minimum(x, 0): the negative part of x instead of the positive one.

A slip between two names that differ by three letters; the backward (dout where x > 0) is the contract's.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="out", hint="mask")


class ReLU(Reference):
    def forward(self, x):
        self.mask = x > 0
        return np.minimum(x, 0)  # BUG: np.maximum(x, 0)
