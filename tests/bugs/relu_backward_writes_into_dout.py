"""ReLU backward zeroes entries of dout in place (`dx = dout` is not a copy).

`dx = dout` is not a copy: both names refer to the caller's array, so the caller's gradient is changed. The values
returned are right. The trap named in the exercise docstring (and gradcheck.md 3.6: a checker that reuses dout
after the call would not notice).
"""

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dout (mutated)", hint="mutation")


class ReLU(Reference):
    def backward(self, dout):
        dx = dout  # BUG: dout.copy()
        dx[~self.mask] = 0
        return dx
