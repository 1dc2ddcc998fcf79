"""backward also drops negative gradients: dx = dout where x > 0 and dout > 0 (guided backpropagation).

A visualisation trick, not ReLU's derivative: where x > 0 the slope is 1, so dout passes whole, whatever its sign.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="mask")


class ReLU(Reference):
    def backward(self, dout):
        return dout * self.mask * (dout > 0)  # BUG: dout * self.mask
