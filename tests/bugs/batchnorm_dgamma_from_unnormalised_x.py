"""dgamma sums dout times the raw input x, not times the normalised xhat that gamma multiplies.

out = gamma * xhat + beta, so the gradient of gamma pairs dout with xhat. Writing x there is a slip of one letter; it
is right only for a batch that already has mean 0 and variance 1 per channel.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="dgamma", hint="xhat")


class BatchNorm2D(Reference):
    def forward(self, x):
        self.x_seen = x
        return super().forward(x)

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["gamma"] = np.einsum("nchw,nchw->c", dout, self.x_seen).astype(np.float64)  # BUG: xhat, not x
        return dx
