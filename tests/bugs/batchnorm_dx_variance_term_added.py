"""BatchNorm's backward adds the variance path instead of subtracting it: (dout - mean(dout) + xhat * mean(dout * xhat)).

The student derived dvar with the sign of (x - mean)**(-3/2)'s derivative dropped; dgamma and dbeta stay right.
"""

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="dx", hint="mean_terms")


class BatchNorm2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)  # sets grads; dx recomputed below
        if not self.trained:
            return dx
        xhat = self.xhat
        scale = self.params["gamma"].astype(xhat.dtype).reshape(1, -1, 1, 1) * self.inv_std
        centred = dout - dout.mean(axis=(0, 2, 3), keepdims=True)
        along = xhat * (dout * xhat).mean(axis=(0, 2, 3), keepdims=True)
        return (scale * (centred + along)).astype(xhat.dtype, copy=False)  # BUG: centred - along
