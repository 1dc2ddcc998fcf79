"""forward builds its rows as x.T.reshape(N, -1): a flatten that goes through the transpose first.

x.T is (D, N); reshaping it to (N, D) deals the features of every example out across the rows. Right only for one
example, or one feature.
"""

import numpy as np

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="out", hint="layout")


class Linear(Reference):
    def forward(self, x):
        super().forward(x)  # fills the cache
        rows = x.T.reshape(x.shape[0], -1)  # BUG: x.reshape(x.shape[0], -1)
        W = self.params["W"].astype(x.dtype, copy=False)
        return rows @ W + self.params["b"].astype(x.dtype, copy=False)
