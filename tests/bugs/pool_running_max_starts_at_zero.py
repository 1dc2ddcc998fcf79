"""Max-pool treats 0 as a candidate in every window, so a window whose entries are all negative outputs 0 and passes no
gradient on: e.g. a running maximum that starts at 0 (np.zeros), or a maximum with 0; start from -inf or the window's
first entry.

Here each window's running maximum starts at 0 (np.zeros). After a ReLU every input is >= 0 and nothing shows; a window
whose entries are all negative outputs 0.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="out", hint="clip_zero")


class MaxPool2D(Reference):
    def forward(self, x):
        out = super().forward(x)
        self.out = np.maximum(out, 0).astype(x.dtype)  # BUG: out = np.zeros(...) then np.maximum(out, window)
        return self.out
