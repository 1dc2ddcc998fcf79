"""In evaluation mode forward returns the normalised x and forgets to scale and shift it by gamma and beta.

Training mode is right, so every training-time check passes; a trained network then evaluates with every
BatchNorm's learned scale and shift thrown away.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="out", hint="eval")


class BatchNorm2D(Reference):
    def forward(self, x):
        out = super().forward(x)
        if self.training:
            return out
        return self.xhat.astype(x.dtype)  # BUG: gamma * xhat + beta, as in training mode
