"""Dropout's forward writes every result into one buffer it keeps, and returns that buffer each time.

Allocating once looks like a speed-up; but a network keeps each layer's output until backward, and the next call
(the next layer's batch, a validation pass) overwrites what an earlier call returned.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="shared_state")


class Dropout(Reference):
    def forward(self, x):
        result = super().forward(x)
        buffer = getattr(self, "buffer", None)
        if buffer is None or buffer.shape != x.shape or buffer.dtype != x.dtype:
            self.buffer = buffer = np.empty_like(x)
        buffer[...] = result  # BUG: return a new array; this one changes on the next call
        return buffer
