"""Conv backward whose dW, computed against im2col rows in (p, q, c) order, is reshaped straight to (F, C, KH, KW).

A channels-last im2col lays each window out as (KH, KW, C); the forward is right if W is laid out the same way,
but the gradient then comes back in (F, KH, KW, C) order and needs `.transpose(0, 3, 1, 2)`, not a reshape. Right
with one channel, and with a 1x1 kernel, where there is nothing to reorder.
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dW", hint="order")


class Conv2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        dW = self.grads["W"]
        F, C, KH, KW = dW.shape
        # what a gradient against (p, q, c)-ordered rows holds, read back as if it were (c, p, q)
        self.grads["W"] = dW.transpose(0, 2, 3, 1).reshape(F, C, KH, KW)  # BUG: .transpose(0, 3, 1, 2) of (F, KH, KW, C)
        return dx
