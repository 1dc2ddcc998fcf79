"""ReLU's forward calls np.max(x, 0), the maximum along axis 0, instead of the element-wise np.maximum(x, 0).

The names differ by four letters; np.max's second argument is an axis, so the result loses x's first axis (a
single number for a 1-D x).
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="shape", hint="shape")


class ReLU(Reference):
    def forward(self, x):
        super().forward(x)
        return np.max(x, 0)  # BUG: np.maximum(x, 0)
