"""ReLU forward as (x + |x|) / 2, which overflows to inf for x above half the largest float.

Exact for every ordinary input, so finite differences never see it; near 3.4e38 (float32) or 1.8e308 (float64)
x + |x| is inf before the division, where max(x, 0) is finite.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="out", hint="overflow")


class ReLU(Reference):
    def forward(self, x):
        super().forward(x)  # fills the cache
        with np.errstate(over="ignore"):
            return (x + np.abs(x)) / 2  # BUG: np.maximum(x, 0) cannot overflow
