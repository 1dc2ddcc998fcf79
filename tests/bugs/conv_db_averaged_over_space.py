"""db is averaged over the output pixels instead of summed: the bias is added at every pixel, so its gradient is a
sum.

`dout.mean(axis=(2, 3))`: the student treats the bias like a global-average term. Each filter bias is added at
every output pixel, so its gradient is the sum; the mean is H_out*W_out times too small.
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="db", hint="sum")


class Conv2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)  # dx and dW are right; the mistake is in db alone
        b_param = self.params["b"]
        self.grads["b"] = dout.mean(axis=(2, 3)).sum(axis=0).astype(b_param.dtype)  # BUG: sum over i, j
        return dx
