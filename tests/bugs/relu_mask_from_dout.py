"""ReLU backward masks with the sign of dout instead of the sign of the forward input x.

`dout * (dout > 0)` looks like "apply ReLU backward" but the derivative of max(x, 0) depends on x: a negative
upstream gradient at a positive input must pass unchanged. The `mask_from_dout` mutant of the research note (3.1);
CNN-scratcher's S2 also applied the derivative to the gradient.
"""

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="mask")


class ReLU(Reference):
    def backward(self, dout):
        return dout * (dout > 0)  # BUG: the mask comes from the forward input: dout * self.mask
