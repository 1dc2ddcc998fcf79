"""db is summed over the filters too: one number for every bias; sum over axes (0, 2, 3) only.

CNN-scratcher wrote `d_bias2 = np.sum(d_relued_again)`, a sum over filters as well as batch and space; here the
student fills the (F,) array with that one scalar, so every filter bias receives the same update. Source:
bug-catalogue S3.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="db", hint="channels")


class Conv2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)  # dx and dW are right; the mistake is in db alone
        self.grads["b"][...] = np.sum(dout)  # BUG: one scalar for all filters; sum over axes (0, 2, 3) only
        return dx
