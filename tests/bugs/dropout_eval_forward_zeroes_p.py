"""Dropout's forward handles eval mode by setting self.p = 0 ("drop nothing") and then running the training code.

The eval output is right, but p stays 0: after train() the layer never drops anything again, so a network that
validates once per epoch trains without dropout from the second epoch on.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="eval")


class Dropout(Reference):
    def forward(self, x):
        if not self.training:
            self.p = 0.0  # BUG: eval mode must leave p alone (decide by self.training instead)
        keep = self.rng.random(x.shape) < 1.0 - self.p
        self.mask = (keep / (1.0 - self.p)).astype(x.dtype)
        return x * self.mask
