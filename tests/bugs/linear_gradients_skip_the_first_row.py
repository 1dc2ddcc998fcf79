"""dW and db leave out the first example's contribution (np.outer(x[0], dout[0]) and dout[0]), e.g. a loop over the
batch that starts at 1; sum over every row.

A batch of one gives all zeros; larger batches are short by the first row's x[0]^T dout[0] and dout[0].
"""

import numpy as np

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dW", hint="batch")


class Linear(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        dW = np.zeros_like(self.params["W"])
        db = np.zeros_like(self.params["b"])
        for n in range(1, dout.shape[0]):  # BUG: range(dout.shape[0])
            dW += np.outer(self.x[n], dout[n])
            db += dout[n]
        self.grads["W"], self.grads["b"] = dW, db
        return dx
