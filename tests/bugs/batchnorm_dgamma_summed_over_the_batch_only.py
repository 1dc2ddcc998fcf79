"""dgamma is summed over the batch axis only, not over H and W: it has shape (C, H, W) instead of (C,).

gamma[c] multiplies every pixel of channel c in every image, so its gradient sums dout * xhat over N, H and W.
dx and dbeta are right.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="dgamma", hint="shape")


class BatchNorm2D(Reference):
    def backward(self, dout):
        xhat, inv_std = self.xhat, self.inv_std
        self.grads["gamma"] = (dout * xhat).sum(axis=0).astype(np.float64)  # BUG: sum(axis=(0, 2, 3))
        self.grads["beta"] = dout.sum(axis=(0, 2, 3)).astype(np.float64)
        scale = self.params["gamma"].astype(xhat.dtype).reshape(1, -1, 1, 1) * inv_std
        if not self.trained:  # evaluation mode: a fixed affine map per channel (not graded)
            return (scale * dout).astype(xhat.dtype, copy=False)
        centred = dout - dout.mean(axis=(0, 2, 3), keepdims=True)
        along = xhat * (dout * xhat).mean(axis=(0, 2, 3), keepdims=True)
        return (scale * (centred - along)).astype(xhat.dtype, copy=False)
