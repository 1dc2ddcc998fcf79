"""Dropout built without rng seeds its own generator with a constant, so every unseeded layer draws the same masks.

Meant to make runs reproducible; but two Dropout layers of one network then drop the same positions in lockstep,
and the provided constructor's `rng=None` promises a fresh generator.
"""

import numpy as np

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="init", hint="init_rng")


class Dropout(Reference):
    def __init__(self, p=0.5, *, rng=None):
        super().__init__(p, rng=rng if rng is not None else np.random.default_rng(0))  # BUG: default_rng(), no seed
