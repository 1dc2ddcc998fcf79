"""dx is computed with the weight gradient dW instead of the weights W.

CNN-scratcher wrote `df = dw1.T.dot(dz1)`; it must be `w1.T.dot(dz1)`. The shapes agree, so nothing complains, but
the gradient sent to the previous layer is meaningless. Source: bug-catalogue S1.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dx", hint=None)


class Linear(Reference):
    def backward(self, dout):
        x = self.x
        W_param, b_param = self.params["W"], self.params["b"]
        self.grads["W"] = (x.T @ dout).astype(W_param.dtype)
        self.grads["b"] = dout.sum(axis=0).astype(b_param.dtype)
        return (dout @ self.grads["W"].T).astype(x.dtype)  # BUG: dout @ W.T, the weights themselves
