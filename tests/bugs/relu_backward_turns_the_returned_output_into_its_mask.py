"""ReLU caches the very array forward returned (self.out = out) and backward turns it into its 0/1 mask in place
(self.out[self.out > 0] = 1).

dx is right, but the output a network still holds (the next layer's input) is overwritten after backward.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="out (mutated)", hint="mutation")


class ReLU(Reference):
    def forward(self, x):
        self.out = np.maximum(x, 0)
        return self.out

    def backward(self, dout):
        mask = self.out
        mask[mask > 0] = 1  # BUG: writes into the output forward returned; use mask = self.out > 0
        return dout * mask
