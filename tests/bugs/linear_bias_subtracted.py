"""forward subtracts the bias, x @ W - b.

The student wrote the affine map as "weights minus threshold", as in a perceptron's w.x - theta; this contract's
Linear adds b. Its backward (db = sum of dout) is the contract's, so only forward is wrong.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="out", hint="bias")


class Linear(Reference):
    def forward(self, x):
        self.x = x
        return x @ self.params["W"].astype(x.dtype) - self.params["b"].astype(x.dtype)  # BUG: + b
