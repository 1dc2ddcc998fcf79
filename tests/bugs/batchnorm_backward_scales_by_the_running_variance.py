"""BatchNorm's backward takes 1 / sqrt(var + eps) from the running variance instead of the batch's own.

The student recomputes the scale in backward and reaches for self.running_var, the only variance stored on the
layer. In training mode the forward normalised with the batch variance, so dx is off by a factor that also drifts
from call to call as the running estimate moves.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="dx", hint="call_state")


class BatchNorm2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)  # sets grads; dx recomputed below with the student's scale
        if not self.trained:
            return dx
        xhat = self.xhat
        inv_std = 1.0 / np.sqrt(self.running_var + self.eps)  # BUG: the batch's variance, as forward used
        scale = self.params["gamma"].reshape(1, -1, 1, 1) * inv_std.reshape(1, -1, 1, 1)
        centred = dout - dout.mean(axis=(0, 2, 3), keepdims=True)
        along = xhat * (dout * xhat).mean(axis=(0, 2, 3), keepdims=True)
        return (scale * (centred - along)).astype(xhat.dtype, copy=False)
