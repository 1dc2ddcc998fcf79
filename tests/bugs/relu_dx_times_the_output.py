"""ReLU backward that multiplies dout by the cached output max(x, 0) instead of by the mask x > 0.

The output is x itself where x > 0, so dx comes out x times too large (or small) there: right only where x
happens to be 1. The slope of ReLU is 1 for every positive x.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="mask")


class ReLU(Reference):
    def forward(self, x):
        self.out = np.maximum(x, 0)
        return super().forward(x)

    def backward(self, dout):
        return (dout * self.out).astype(dout.dtype)  # BUG: dout * (x > 0)
