"""backward keeps the gradient where x < 0 and drops it where x > 0: the mask is inverted.

Written as `dout * (x <= 0)` after thinking of the mask as "the entries ReLU zeroed".
"""

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="mask")


class ReLU(Reference):
    def backward(self, dout):
        return dout * ~self.mask  # BUG: dout * self.mask (x > 0)
