"""Conv2D's forward keeps its im2col matrix per input shape, "since the shapes never change in training".

The matrix depends on x's values, not only its shape: a second batch of the same shape is convolved as if it were
the first. One forward on a fresh layer is right, and so is backward.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="out", hint="shared_state")


class Conv2D(Reference):
    def forward(self, x):
        remembered = getattr(self, "_outputs", {})
        self._outputs = remembered
        key = (x.shape, x.dtype.str)
        if key in remembered:
            return remembered[key].copy()  # BUG: recompute from this x (and the current parameters)
        out = super().forward(x)
        remembered[key] = out.copy()
        return out
