"""dW holds only the last example's outer product, np.outer(x[-1], dout[-1]), instead of the sum over the batch, x.T @
dout: e.g. a loop over the rows that assigns (`=`) each row's outer product where `+=` belongs.

`for n in range(N): dW = np.outer(x[n], dout[n])` keeps the last row's contribution only: right for a batch of one,
as the first test a learner runs.
"""

import numpy as np

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dW", hint="batch")


class Linear(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        dW = np.zeros_like(self.params["W"])
        for n in range(len(self.x)):
            dW = np.outer(self.x[n], dout[n])  # BUG: dW += ..., every row adds its term
        self.grads["W"] = dW.astype(self.params["W"].dtype)
        return dx
