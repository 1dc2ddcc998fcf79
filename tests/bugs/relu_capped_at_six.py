"""ReLU6 pasted in for ReLU: min(max(x, 0), 6), as in MobileNet code.

Every check on Gaussian inputs passes; only inputs above 6 show the ceiling (set J).
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="out", hint="ceiling")


class ReLU(Reference):
    def forward(self, x):
        return np.minimum(super().forward(x), 6.0).astype(x.dtype, copy=False)  # BUG: ReLU has no ceiling
