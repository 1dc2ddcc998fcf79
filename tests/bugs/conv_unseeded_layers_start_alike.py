"""Conv2D built without a generator seeds its own with a constant, "so that runs are reproducible".

`rng = rng if rng is not None else np.random.default_rng(42)`: a seed passed in still reproduces a network, but
every Conv2D of one shape built with rng=None now starts with the very same filters, so two such layers of a
network are copies of each other at the start. The provided constructor draws from a fresh, unseeded
np.random.default_rng() there.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="init", hint="init_rng")


class Conv2D(Reference):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, *, rng=None):
        rng = rng if rng is not None else np.random.default_rng(42)  # BUG: np.random.default_rng(), no seed
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, rng=rng)
