"""Linear backward computes dx with W reshaped to (out_features, in_features) instead of transposed:
`dout @ W.reshape(M, D)`.

The shapes fit, so nothing raises, but a reshape keeps the entries in memory order: the matrix is W.T only when
D == 1 or M == 1.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dx", hint="transpose")


class Linear(Reference):
    def backward(self, dout):
        super().backward(dout)  # dW and db as the reference computes them
        W = self.params["W"]
        D, M = W.shape
        return (dout @ W.reshape(M, D).astype(dout.dtype, copy=False)).astype(self.x.dtype)  # BUG: W.T
