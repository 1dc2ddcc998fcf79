"""forward guards against inf by clipping at float32's largest value: np.minimum(max(x, 0), 3.4e38).

ReLU has no ceiling: a float64 input of 1e39 is its own output. The guard only bites on float64 inputs beyond
3.4e38, which Gaussian test inputs never reach.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="out", hint="ceiling")

CEILING = float(np.finfo(np.float32).max)


class ReLU(Reference):
    def forward(self, x):
        out = super().forward(x)
        return np.minimum(out, CEILING).astype(x.dtype)  # BUG: no ceiling
