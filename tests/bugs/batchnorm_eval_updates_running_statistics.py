"""Evaluation mode updates the running statistics too: the update runs on every forward call, whatever the mode.

The output of that call is still right (it is computed from the statistics before the update), but every
batch of test images drags running_mean and running_var towards its own statistics, so evaluation results
depend on what was evaluated before.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="running_mean", hint="eval_updates")


class BatchNorm2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        count = N * H * W
        if self.training:
            if count < 2:
                raise ValueError(f"training mode needs at least 2 values per channel (N*H*W), got {count}")
            mean = x.mean(axis=(0, 2, 3))
            var = x.var(axis=(0, 2, 3))
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = (1.0 / np.sqrt(var + self.eps)).astype(x.dtype).reshape(1, C, 1, 1)
        xhat = (x - mean.astype(x.dtype).reshape(1, C, 1, 1)) * inv_std
        self.xhat, self.inv_std, self.trained = xhat, inv_std, self.training
        gamma = self.params["gamma"].astype(x.dtype).reshape(1, C, 1, 1)
        beta = self.params["beta"].astype(x.dtype).reshape(1, C, 1, 1)
        out = gamma * xhat + beta
        # update the running statistics for evaluation mode
        m = self.momentum
        self.running_mean = (1 - m) * self.running_mean + m * x.mean(axis=(0, 2, 3))  # BUG: only if self.training
        self.running_var = (1 - m) * self.running_var + m * x.var(axis=(0, 2, 3), ddof=1)
        return out
