"""ReLU backward multiplies dout by `mask.astype(float)`: Python's float is float64, so float32 dout gives a float64 dx.

The values are right; the dtype is not. `dout * self.mask` (a boolean mask keeps dout's dtype) or
`mask.astype(dout.dtype)` keeps the network in float32.
"""

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dtype", hint="dtype")


class ReLU(Reference):
    def backward(self, dout):
        return dout * self.mask.astype(float)  # BUG: astype(float) means float64
