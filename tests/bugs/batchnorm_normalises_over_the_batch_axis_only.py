"""The batch is normalised over N only, with one mean and variance per (c, h, w) position, instead of per channel
over N, H and W.

That is BatchNorm1D's axis=0 carried over to 4-D inputs with keepdims=True: it runs and keeps the shapes, but
each pixel position gets its own statistics (and with one image every output is beta). The running statistics
are right: they use the per-channel statistics.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="out", hint="axis")


class BatchNorm2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        count = N * H * W
        if self.training:
            if count < 2:
                raise ValueError(f"training mode needs at least 2 values per channel (N*H*W), got {count}")
            mean = x.mean(axis=(0, 2, 3))
            var = x.var(axis=(0, 2, 3))
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * (count / (count - 1))
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = (1.0 / np.sqrt(var + self.eps)).astype(x.dtype).reshape(1, C, 1, 1)
        if self.training:  # BUG: normalise with the per-channel mean and var above, over axis=(0, 2, 3)
            inv_std = (1.0 / np.sqrt(x.var(axis=0, keepdims=True) + self.eps)).astype(x.dtype)
            xhat = (x - x.mean(axis=0, keepdims=True)) * inv_std
        else:
            xhat = (x - mean.astype(x.dtype).reshape(1, C, 1, 1)) * inv_std
        self.xhat, self.inv_std, self.trained = xhat, inv_std, self.training
        gamma = self.params["gamma"].astype(x.dtype).reshape(1, C, 1, 1)
        beta = self.params["beta"].astype(x.dtype).reshape(1, C, 1, 1)
        return gamma * xhat + beta
