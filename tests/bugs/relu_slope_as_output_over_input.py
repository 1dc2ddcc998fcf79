"""ReLU's backward computes the slope as out / x, "the ratio of what came out to what went in".

That ratio is 1 for x > 0 and 0 for x < 0, so it looks right on every ordinary input; at x = 0 it is 0 / 0 = nan,
and a network whose inputs hold exact zeros (zero padding, a ReLU before) sends nan gradients back. The contract
allows any slope from 0 to 1 at the kink, never nan.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="mask")


class ReLU(Reference):
    def forward(self, x):
        out = super().forward(x)
        self.x_in, self.out = x, out
        return out

    def backward(self, dout):
        with np.errstate(invalid="ignore", divide="ignore"):
            slope = self.out / self.x_in  # BUG: nan at x == 0; use the mask x > 0
        return (dout * slope).astype(dout.dtype, copy=False)
