"""forward builds the bias matrix with np.repeat(b, N).reshape(N, M) instead of np.tile(b, (N, 1)).

np.repeat repeats each value in place (b0 b0 b0 b1 b1 b1 ...), so the rows get runs of one bias each. Invisible
while b is still zeros, and for N = 1.
"""

import numpy as np

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="out", hint="bias")


class Linear(Reference):
    def forward(self, x):
        out = super().forward(x)
        N, M = out.shape
        b = self.params["b"].astype(x.dtype, copy=False)
        return out - b + np.repeat(b, N).reshape(N, M)  # BUG: out (b broadcast over the rows)
