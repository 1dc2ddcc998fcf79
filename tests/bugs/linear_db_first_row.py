"""db is taken from the first row of dout instead of the sum over the batch.

Written for one example at a time (`db = dout` with N = 1) and kept as `dout[0]` when batches arrived: every other
example's bias gradient is lost. The `db_first_row` mutant of the research note (3.1).
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="db", hint="batch")


class Linear(Reference):
    def backward(self, dout):
        x = self.x
        W_param, b_param = self.params["W"], self.params["b"]
        self.grads["W"] = (x.T @ dout).astype(W_param.dtype)
        self.grads["b"] = dout[0].astype(b_param.dtype)  # BUG: dout.sum(axis=0)
        return (dout @ W_param.astype(x.dtype, copy=False).T).astype(x.dtype, copy=False)
