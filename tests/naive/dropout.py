"""Naive Dropout: one uniform number drawn per entry, in row-major order, inside a plain loop; written from the
README contract independently of solutions/dropout.py to cross-check it.

Drawing ``rng.random()`` once per entry consumes a generator's stream exactly as one ``rng.random(x.shape)``
does, so a layer built from an equally seeded generator drops the same entries as the reference.
"""

import numpy as np


def _probability(p):
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"p must be a number in [0, 1), got {p!r}")
    if not 0.0 <= p < 1.0:  # also refuses NaN
        raise ValueError(f"p must be in [0, 1), got {p!r}")
    return float(p)


def _generator(rng):
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)) or None, got {rng!r}")
    return rng


class Dropout:
    def __init__(self, p=0.5, *, rng=None):
        self.p = _probability(p)
        self.rng = _generator(rng)
        self.training = True
        self.params = {}
        self.grads = {}

    def __repr__(self):
        return f"Dropout(p={self.p})"

    def train(self):
        self.training = True

    def eval(self):
        self.training = False

    def forward(self, x):
        """In training, x[i] / (1 - p) where the entry's uniform number is below 1 - p, else 0; in eval mode, x."""
        factor = np.ones(x.shape)  # what each entry is multiplied by: 0 or 1 / (1 - p); 1 in eval mode
        if self.training:
            for index in np.ndindex(x.shape):
                kept = self.rng.random() < 1.0 - self.p
                factor[index] = 1.0 / (1.0 - self.p) if kept else 0.0
        out = np.zeros(x.shape)
        for index in np.ndindex(x.shape):
            out[index] = float(x[index]) * factor[index]
        self.factor, self.x_dtype = factor, x.dtype
        return out.astype(x.dtype)

    def backward(self, dout):
        dx = np.zeros(self.factor.shape)
        for index in np.ndindex(self.factor.shape):
            dx[index] = float(dout[index]) * self.factor[index]
        return dx.astype(self.x_dtype)
