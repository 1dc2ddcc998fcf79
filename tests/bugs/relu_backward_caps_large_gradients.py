"""ReLU's backward clips the gradient to [-1, 1] "so that it cannot explode".

A layer's backward must pass the chain rule on whole: dx = dout where x > 0. Clipping, if wanted at all, is the
optimizer's business; here every |dout| > 1 at a positive input is capped, and backward is no longer linear in dout.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="clipped")


class ReLU(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        return np.clip(dx, -1.0, 1.0)  # BUG: no clipping in backward
