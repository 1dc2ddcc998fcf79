"""eps is added outside the square root: 1 / (sqrt(var) + eps) instead of 1 / sqrt(var + eps).

A common way to guard a division, but not the layer's definition: the outputs differ by about eps / sqrt(var)
relative, far more than round-off, and with a tiny variance the two differ completely.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="out", hint="eps")


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
        inv_std = (1.0 / (np.sqrt(var) + self.eps)).astype(x.dtype).reshape(1, C, 1, 1)  # BUG: np.sqrt(var + self.eps)
        xhat = (x - mean.astype(x.dtype).reshape(1, C, 1, 1)) * inv_std
        self.xhat, self.inv_std, self.trained = xhat, inv_std, self.training
        gamma = self.params["gamma"].astype(x.dtype).reshape(1, C, 1, 1)
        beta = self.params["beta"].astype(x.dtype).reshape(1, C, 1, 1)
        return gamma * xhat + beta
