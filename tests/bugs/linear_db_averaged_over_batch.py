"""db is averaged over the batch instead of summed (dout already carries the 1/N of the mean loss).

Averaging again makes db N times too small, while dW, summed by the matrix product, stays right: the two disagree.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="db", hint="scale")


class Linear(Reference):
    def backward(self, dout):
        x = self.x
        W_param, b_param = self.params["W"], self.params["b"]
        self.grads["W"] = (x.T @ dout).astype(W_param.dtype)
        self.grads["b"] = dout.mean(axis=0).astype(b_param.dtype)  # BUG: dout.sum(axis=0)
        return (dout @ W_param.astype(x.dtype, copy=False).T).astype(x.dtype, copy=False)
