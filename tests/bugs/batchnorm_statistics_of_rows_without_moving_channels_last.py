"""BatchNorm's statistics mix channels: channel c is taken as every C-th value of x in memory order
(column c of x.reshape(-1, C), as BatchNorm1D code has it) instead of x[:, c] over N, H and W; move C last first,
x.transpose(0, 2, 3, 1).reshape(-1, C).

On (N, C, H, W) memory, reshape(-1, C) puts values of different channels in one column: the means, variances and
running statistics mix channels. Right only when C = 1. A backward written in the same layout is consistent with
this forward, so the gradient checks pass; the stored outputs and the running statistics do not.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="out", hint="axis")


class BatchNorm2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        rows = x.reshape(-1, C)  # BUG: x.transpose(0, 2, 3, 1).reshape(-1, C)
        if self.training:
            mean, var = rows.mean(axis=0), rows.var(axis=0)
            count = rows.shape[0]
            self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mean
            self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var * count / (count - 1)
        else:
            mean, var = self.running_mean, self.running_var
        self.rows_inv_std = 1.0 / np.sqrt(var + self.eps)
        self.rows_xhat = (rows - mean) * self.rows_inv_std
        out = self.params["gamma"] * self.rows_xhat + self.params["beta"]
        return out.reshape(x.shape).astype(x.dtype)

    def backward(self, dout):
        C = dout.shape[1]
        d = dout.reshape(-1, C).astype(np.float64)
        xhat = self.rows_xhat
        self.grads["beta"] = d.sum(axis=0)
        self.grads["gamma"] = (d * xhat).sum(axis=0)
        dx = self.params["gamma"] * self.rows_inv_std * (d - d.mean(axis=0) - xhat * (d * xhat).mean(axis=0))
        return dx.reshape(dout.shape).astype(dout.dtype)
