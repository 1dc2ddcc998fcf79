"""ReLU backward returns the 0/1 mask itself and forgets to multiply it by dout.

The student derived d max(x, 0)/dx correctly but stopped there: the chain rule needs dout * mask (and Y3 in
bug-catalogue.md shows what a missing ReLU factor does downstream).
"""

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="ignores_dout")


class ReLU(Reference):
    def backward(self, dout):
        return self.mask.astype(dout.dtype)  # BUG: dout * self.mask
