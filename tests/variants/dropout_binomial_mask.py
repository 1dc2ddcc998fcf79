"""Dropout with a mask drawn by rng.binomial(1, 1 - p), kept as 0s and 1s with the scale cached beside it.

Another way to draw a Bernoulli(1 - p) mask from the layer's generator; the scale applied in forward is applied
again in backward, and eval mode caches a scale of 1 and no mask.
"""

from solutions.dropout import Dropout as Reference

EXPECT = None


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            self.mask = self.rng.binomial(1, 1.0 - self.p, size=x.shape).astype(x.dtype)
            self.scale = 1.0 / (1.0 - self.p)
            return x * self.mask * self.scale
        self.mask, self.scale = None, 1.0
        return x.copy()

    def backward(self, dout):
        dx = dout * self.scale if self.mask is None else dout * self.mask * self.scale
        return dx.astype(dout.dtype, copy=False)
