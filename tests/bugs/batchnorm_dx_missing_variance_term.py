"""dx lacks the path through the batch variance: dx = gamma / sqrt(var + eps) * (dout - mean(dout)).

The student differentiated through the mean (the centring) but treated the variance as a constant, so the term
-xhat * mean(dout * xhat) is missing. dgamma and dbeta are right.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="dx", hint="mean_terms")


class BatchNorm2D(Reference):
    def backward(self, dout):
        xhat, inv_std = self.xhat, self.inv_std
        self.grads["gamma"] = (dout * xhat).sum(axis=(0, 2, 3)).astype(np.float64)
        self.grads["beta"] = dout.sum(axis=(0, 2, 3)).astype(np.float64)
        scale = self.params["gamma"].astype(xhat.dtype).reshape(1, -1, 1, 1) * inv_std
        if not self.trained:  # evaluation mode: a fixed affine map per channel (not graded)
            return (scale * dout).astype(xhat.dtype, copy=False)
        centred = dout - dout.mean(axis=(0, 2, 3), keepdims=True)
        along = xhat * (dout * xhat).mean(axis=(0, 2, 3), keepdims=True)
        return (scale * centred).astype(xhat.dtype, copy=False)  # BUG: scale * (centred - along)
