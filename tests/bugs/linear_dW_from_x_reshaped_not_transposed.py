"""dW is computed as x.reshape(D, N) @ dout: a reshape where the transpose x.T belongs.

The shapes fit, so nothing raises; with one row the reshape is the transpose, with several it reorders x's entries
in memory order and dW comes out wrong.
"""

import numpy as np

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dW", hint="transpose")


class Linear(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        N, D = self.x.shape
        self.grads["W"] = (self.x.reshape(D, N) @ dout).astype(np.float64)  # BUG: self.x.T @ dout
        return dx
