"""Linear's bias gradient and weight rows are read off by one: db gets x[:, 0] @ dout, the gradient of W's first row,
and dW gets W's rows 1 to D - 1 followed by db, as when a bias row stacked last
(the bias trick, ones appended last to x) is read as if it came first; db = dout.sum(axis=0), dW = x.T @ dout.

Backward computes the stacked gradient right, x_aug.T @ dout, but splits it as if the bias row came first:
db = dW_aug[0] and dW = dW_aug[1:]. With one input feature the two are simply exchanged; with more, dW is also
shifted by one row.
"""

import numpy as np

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="db", hint="swapped")


class Linear(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        x = self.x
        x_aug = np.hstack([x, np.ones((x.shape[0], 1), dtype=x.dtype)])
        grad = x_aug.T @ dout
        self.grads["W"] = grad[1:].astype(np.float64)  # BUG: grad[:-1], the ones column is last
        self.grads["b"] = grad[0].astype(np.float64)  # BUG: grad[-1]
        return dx
