"""The constructor draws W from the global np.random instead of the `rng` argument.

Every check that sets the weights itself passes, but a seed no longer reproduces a network, and two layers
built from equally seeded generators differ.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="init", hint="init_rng")


class Conv2D(Reference):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, *, rng=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, rng=rng)
        KH, KW = self.kernel_size
        fan_in = self.in_channels * KH * KW
        # BUG: np.random, not rng
        self.params["W"][...] = np.random.randn(self.out_channels, self.in_channels, KH, KW) * np.sqrt(2.0 / fan_in)
