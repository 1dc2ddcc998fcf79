"""db is summed over the batch only, not over the output pixels (axes 2 and 3), so it has the wrong shape.

`dout.sum(axis=0)` leaves one value per (f, i, j): the student forgot that the bias of filter f is added at every
output position, so its gradient sums over i and j as well. grads["b"] gets shape (F, H_out, W_out).
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="db", hint="shape")


class Conv2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)  # dx and dW are right; the mistake is in db alone
        b_param = self.params["b"]
        self.grads["b"] = dout.sum(axis=0).astype(b_param.dtype)  # BUG: also sum over axes 2 and 3
        return dx
