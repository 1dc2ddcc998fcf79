"""The momentum convention is reversed: running = momentum * running + (1 - momentum) * batch statistic.

That is the convention of some frameworks (Keras' "decay"), where momentum=0.9 keeps 90% of the old value; the
contract follows PyTorch, where momentum is the weight of the new batch. With the default 0.1 the running
statistics jump almost all the way to every new batch's.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="running_mean", hint="momentum_convention")


class BatchNorm2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        count = N * H * W
        if self.training:
            if count < 2:
                raise ValueError(f"training mode needs at least 2 values per channel (N*H*W), got {count}")
            mean = x.mean(axis=(0, 2, 3))
            var = x.var(axis=(0, 2, 3))
            m = 1 - self.momentum  # BUG: self.momentum, the weight of the new batch
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * (count / (count - 1))
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = (1.0 / np.sqrt(var + self.eps)).astype(x.dtype).reshape(1, C, 1, 1)
        xhat = (x - mean.astype(x.dtype).reshape(1, C, 1, 1)) * inv_std
        self.xhat, self.inv_std, self.trained = xhat, inv_std, self.training
        gamma = self.params["gamma"].astype(x.dtype).reshape(1, C, 1, 1)
        beta = self.params["beta"].astype(x.dtype).reshape(1, C, 1, 1)
        return gamma * xhat + beta
