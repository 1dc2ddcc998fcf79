"""ReLU backward zeroes whole rows: every row with any entry <= 0 loses its whole gradient, as
`dx[np.where(x <= 0)[0]] = 0` does (np.where's first array alone holds the row indices); zero the entries only,
dx[x <= 0] = 0.

np.where(mask) returns one index array per axis; indexing with the first alone selects rows, not entries. On
Gaussian inputs nearly every row has a negative entry, so dx is all zeros; a row that is all positive keeps dout.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="indexing")


class ReLU(Reference):
    def forward(self, x):
        self.x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        dx = dout.copy()
        dx[np.where(self.x <= 0)[0]] = 0  # BUG: np.where(...)[0] holds row indices: dx[self.x <= 0] = 0
        return dx
