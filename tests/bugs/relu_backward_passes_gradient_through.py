"""ReLU backward returns dout unchanged everywhere: the mask is never applied (computed and then discarded, or a condition that is always true, such as `out >= 0`).

CNN-scratcher called `diff_relu(d_relued_again)` as a bare statement and discarded the result, so the gradient
flowed through as if the ReLU were the identity. Right only where the input was positive. Source: bug-catalogue S2.
"""

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="mask")


class ReLU(Reference):
    def backward(self, dout):
        dx = dout
        dx * self.mask  # BUG: the result is thrown away; dx = dout * self.mask
        return dx
