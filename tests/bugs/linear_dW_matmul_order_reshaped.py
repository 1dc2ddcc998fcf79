"""dW is computed as dout.T @ x, shape (M, D), and reshaped to (D, M), which scrambles the entries; it is x.T @ dout.

The student mixed the PyTorch (out, in) weight layout with ours (in, out); a transpose was needed, and the reshape
only reorders the same numbers. Right when D == 1 or M == 1.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dW", hint="transpose")


class Linear(Reference):
    def backward(self, dout):
        x = self.x
        W_param, b_param = self.params["W"], self.params["b"]
        self.grads["W"] = (dout.T @ x).reshape(W_param.shape).astype(W_param.dtype)  # BUG: (dout.T @ x).T
        self.grads["b"] = dout.sum(axis=0).astype(b_param.dtype)
        return (dout @ W_param.astype(x.dtype, copy=False).T).astype(x.dtype, copy=False)
