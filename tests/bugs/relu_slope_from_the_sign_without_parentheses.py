"""backward computes the step function as np.sign(x) + 1 / 2, meant as (np.sign(x) + 1) / 2.

Division binds first: the slope is 1.5 where x > 0 and -0.5 where x < 0.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="mask")


class ReLU(Reference):
    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, dout):
        return (dout * (np.sign(self.x) + 1 / 2)).astype(self.x.dtype)  # BUG: (np.sign(self.x) + 1) / 2
