"""db is summed over the batch and the units: one scalar instead of an (M,) array; sum over axis 0 only.

CNN-scratcher's FC layers use `db = np.sum(dz)`; with `b -= lr * db` the scalar broadcasts, so every bias gets the
same update. Here grads["b"] becomes a NumPy scalar instead of an (M,) array. Source: bug-catalogue S3.
"""

import numpy as np

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="db", hint="shape")


class Linear(Reference):
    def backward(self, dout):
        x = self.x
        W_param, b_param = self.params["W"], self.params["b"]
        self.grads["W"] = (x.T @ dout).astype(W_param.dtype)
        self.grads["b"] = np.sum(dout)  # BUG: np.sum(dout, axis=0)
        return (dout @ W_param.astype(x.dtype, copy=False).T).astype(x.dtype, copy=False)
