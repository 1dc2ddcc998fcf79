"""ReLU's backward counts an input as positive only above a small tolerance, `x > 1e-8`, "to be safe near 0".

Any slope from 0 to 1 is right at exactly 0, but every x > 0 has slope 1: tiny positive inputs lose their
gradient. Gaussian test inputs never come close enough to 0 to show it.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="mask")


class ReLU(Reference):
    def forward(self, x):
        self.x = x
        return np.maximum(x, 0).astype(x.dtype, copy=False)

    def backward(self, dout):
        return dout * (self.x > 1e-8)  # BUG: x > 0
