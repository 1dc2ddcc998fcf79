"""Dropout with a boolean mask and np.where, drawn as "drop where the number is below p"; in eval mode x and dout
themselves are returned (as PyTorch does).

A different draw from the reference's (uniform >= p instead of uniform < 1 - p): another mask for the same seed,
just as random. Returning the input array itself in eval mode writes into nothing, so it is allowed.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = None


class Dropout(Reference):
    def forward(self, x):
        if not self.training:
            self.keep = None
            return x
        self.keep = self.rng.random(x.shape) >= self.p
        return np.where(self.keep, x / (1 - self.p), 0).astype(x.dtype, copy=False)

    def backward(self, dout):
        if self.keep is None:
            return dout
        return np.where(self.keep, dout / (1 - self.p), 0).astype(dout.dtype, copy=False)
