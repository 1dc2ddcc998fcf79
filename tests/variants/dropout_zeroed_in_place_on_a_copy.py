"""Dropout that copies x, zeroes the dropped entries in place and scales the copy, with float32 random numbers
compared by uniform > p.

Writing into a copy is not writing into x; float32 draws give another (equally random) mask than float64 draws.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = None


class Dropout(Reference):
    def forward(self, x):
        out = x.copy()
        if self.training:
            self.dropped = self.rng.random(x.shape, dtype=np.float32) <= self.p
            out[self.dropped] = 0
            out *= 1 / (1 - self.p)
        else:
            self.dropped = np.zeros(x.shape, dtype=bool)
        self.factor = 1 / (1 - self.p) if self.training else 1.0
        return out

    def backward(self, dout):
        dx = dout * self.factor
        dx[self.dropped] = 0
        return dx.astype(dout.dtype, copy=False)
