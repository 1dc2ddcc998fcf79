"""dx is computed with the weight gradient just stored, dout @ dW.T, instead of the weights, dout @ W.T.

Both names sit side by side in the layer (self.grads["W"] and self.params["W"]) with the same shape, so the
product runs; dx then depends on dout twice.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dx", hint="ignores_dout")


class Linear(Reference):
    def backward(self, dout):
        super().backward(dout)  # sets grads["W"] and grads["b"]
        return (dout @ self.grads["W"].T).astype(self.x.dtype)  # BUG: self.params["W"].T
