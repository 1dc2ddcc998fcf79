"""db is averaged over the batch instead of summed (dout already carries the 1/N of the mean loss).

The student reasons "the loss is a mean over the batch, so the bias gradient is one too" and takes the mean over
images; but dout already carries the 1/N from the loss, so db = sum over n, i, j. Wrong by a factor 1/N as soon as
N > 1 (the `db_mean` mutant of the research note, 3.1).
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="db", hint="scale")


class Conv2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)  # dx and dW are right; the mistake is in db alone
        b_param = self.params["b"]
        self.grads["b"] = dout.mean(axis=0).sum(axis=(1, 2)).astype(b_param.dtype)  # BUG: sum over the batch, not mean
        return dx
