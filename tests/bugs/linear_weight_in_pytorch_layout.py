"""W used as (out_features, in_features), PyTorch's nn.Linear layout, where the contract's W is (in_features,
out_features).

Forward computes x @ W.T + b: it raises whenever in_features != out_features, and for a square W it multiplies by
the transpose. Backward follows the same layout (dW = dout.T @ x, dx = dout @ W).
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="out", hint="layout")


class Linear(Reference):
    def forward(self, x):
        self.x = x
        W = self.params["W"].astype(x.dtype, copy=False)
        return x @ W.T + self.params["b"].astype(x.dtype, copy=False)  # BUG: x @ W (W is (in, out))

    def backward(self, dout):
        x = self.x
        self.grads["W"] = (dout.T @ x).astype(self.params["W"].dtype)  # BUG: x.T @ dout
        self.grads["b"] = dout.sum(axis=0).astype(self.params["b"].dtype)
        return (dout @ self.params["W"].astype(x.dtype, copy=False)).astype(x.dtype, copy=False)  # BUG: @ W.T
