"""Linear's backward also takes a gradient step (W -= lr * dW), as some from-scratch code fuses the update
into backward.

The gradients are right, but the parameters change on every backward call, and again when the optimizer
steps: training applies each update twice, and a second backward with the same dout gives another dx.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="params['W']", hint="mutation")


class Linear(Reference):
    lr = 0.01

    def backward(self, dout):
        dx = super().backward(dout)
        self.params["W"] -= self.lr * self.grads["W"]  # BUG: the optimizer's job, not backward's
        self.params["b"] -= self.lr * self.grads["b"]
        return dx
