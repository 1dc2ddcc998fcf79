"""dx is computed with the float64 weights without casting, so float32 input gets a float64 gradient.

NumPy promotes float32 @ float64 to float64; the previous layer then receives a float64 gradient. The contract asks
for dx in the dtype of x.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dtype", hint="dtype")


class Linear(Reference):
    def backward(self, dout):
        x = self.x
        W_param, b_param = self.params["W"], self.params["b"]
        self.grads["W"] = (x.T @ dout).astype(W_param.dtype)
        self.grads["b"] = dout.sum(axis=0).astype(b_param.dtype)
        return dout @ W_param.T  # BUG: W_param.astype(x.dtype), or cast the result
