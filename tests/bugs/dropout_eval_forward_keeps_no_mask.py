"""In evaluation mode forward returns x without setting a mask, and backward always multiplies by `self.mask`.

A layer built and put in eval mode before any training call has no mask, so backward raises AttributeError; one
that trained first reuses the last training mask on an identity forward (set I).
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="dx", hint="eval")


class Dropout(Reference):
    def forward(self, x):
        if not self.training:
            return x.copy()  # BUG: backward still applies self.mask; in eval it must return dout itself
        return super().forward(x)

    def backward(self, dout):
        return (dout * self.mask).astype(dout.dtype, copy=False)
