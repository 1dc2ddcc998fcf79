"""The kept entries are rescaled with x * mask / 1 - p: division binds first, so they come out x - p.

Meant as x * mask / (1 - p). backward makes the same slip, dout * mask / 1 - p.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="scale")


class Dropout(Reference):
    def forward(self, x):
        out = super().forward(x)
        if not self.training:
            return out
        self.kept = out != 0
        return np.where(self.kept, x / 1 - self.p, 0).astype(x.dtype)  # BUG: x / (1 - self.p)

    def backward(self, dout):
        if not self.training:
            return super().backward(dout)
        return np.where(self.kept, dout / 1 - self.p, 0).astype(dout.dtype)  # BUG: dout / (1 - self.p)
