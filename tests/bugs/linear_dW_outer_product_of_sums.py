"""dW is the outer product of the batch sums of x and dout instead of the sum of per-row outer products.

np.outer(x.sum(0), dout.sum(0)) equals x.T @ dout for one row only; with N > 1 it adds cross terms x[n] dout[m].
"""

import numpy as np

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dW", hint="batch")


class Linear(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["W"] = np.outer(self.x.sum(axis=0), dout.sum(axis=0)).astype(np.float64)  # BUG: x.T @ dout
        return dx
