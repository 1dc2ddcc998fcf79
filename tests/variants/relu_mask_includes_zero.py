"""ReLU with the `x >= 0` convention: the gradient passes at exactly x == 0.

The derivative does not exist at 0; 0 and 1 are both valid subgradients and the contract accepts both.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = None


class ReLU(Reference):
    def forward(self, x):
        self.mask = x >= 0
        return np.where(self.mask, x, 0).astype(x.dtype, copy=False)

    def backward(self, dout):
        return np.where(self.mask, dout, 0).astype(dout.dtype, copy=False)
