"""Dropout keeps exactly round((1 - p) * n) entries, chosen with rng.permutation, "so the rate is always exact".

Each entry is then kept with probability about 1 - p, and the keep rate over 100,000 entries is perfect; but the
entries are no longer drawn independently: the number kept never varies from call to call.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="independent")


class Dropout(Reference):
    def forward(self, x):
        if not self.training:
            return super().forward(x)
        n = x.size
        keep = np.zeros(n, dtype=bool)
        keep[self.rng.permutation(n)[:round((1.0 - self.p) * n)]] = True  # BUG: one draw per entry, rng.random < 1 - p
        self.mask = (keep.reshape(x.shape) / (1.0 - self.p)).astype(x.dtype)
        return x * self.mask
