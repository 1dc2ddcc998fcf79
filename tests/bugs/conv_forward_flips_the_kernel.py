"""forward computes a true convolution: it rotates every kernel by 180 degrees (np.flip) before sliding it.

Signal-processing courses define convolution with the flip; CNN layers (and this contract) slide the kernel as it
is, a cross-correlation. The backward is the contract's, so only the forward tests can tell.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="out", hint="flip")


class Conv2D(Reference):
    def forward(self, x):
        W = self.params["W"]
        kept = W.copy()
        W[...] = np.flip(W, axis=(2, 3))  # BUG: the contract's Conv2D does not flip its kernel
        try:
            return super().forward(x)
        finally:
            W[...] = kept
