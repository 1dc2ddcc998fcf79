"""BatchNorm's backward scales by 1 / sqrt(var) without eps where forward normalised by 1 / sqrt(var + eps), e.g. a
standard deviation recomputed in backward from xhat's pieces (or cached before eps was added); backward must use
forward's own sqrt(var + eps).

The student keeps the centred input from forward and, in backward, divides by np.sqrt(var) of it, the textbook
formula without the stabiliser that forward used. The forward is right; dx is the true one times
sqrt((var + eps) / var) in each channel, a few parts in a million for a variance near 1, and much more for a
channel whose values barely vary.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="dx", hint="eps")


class BatchNorm2D(Reference):
    def forward(self, x):
        out = super().forward(x)
        self.centred = x - x.mean(axis=(0, 2, 3), keepdims=True)
        return out

    def backward(self, dout):
        dx = super().backward(dout)  # sets grads; dx recomputed below with the student's scale
        if not self.trained:
            return dx
        var = (self.centred ** 2).mean(axis=(0, 2, 3), keepdims=True)
        inv_std = 1.0 / np.sqrt(var)  # BUG: 1.0 / np.sqrt(var + self.eps), as forward divided
        xhat = self.xhat
        gamma = self.params["gamma"].reshape(1, -1, 1, 1)
        centred = dout - dout.mean(axis=(0, 2, 3), keepdims=True)
        along = xhat * (dout * xhat).mean(axis=(0, 2, 3), keepdims=True)
        return (gamma * inv_std * (centred - along)).astype(xhat.dtype, copy=False)
