"""Linear that writes its gradients into the arrays the constructor made (grads[k][...] = ...).

The contract allows rebinding or writing in place: both must score full marks, and an optimizer must work
with either.
"""

from solutions.linear import Linear as Reference

EXPECT = None


class Linear(Reference):
    def backward(self, dout):
        x, W = self.x, self.params["W"]
        self.grads["W"][...] = x.T @ dout
        self.grads["b"][...] = dout.sum(axis=0)
        return (dout @ W.T).astype(x.dtype, copy=False)
