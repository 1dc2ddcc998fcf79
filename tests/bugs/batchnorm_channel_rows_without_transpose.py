"""BatchNorm's statistics mix images and channels: channel c is taken as the c-th of C equal blocks of x in memory order
instead of x[:, c] over N, H and W, as x.reshape(C, -1) without moving the channel axis first gives; use
x.transpose(1, 0, 2, 3).reshape(C, -1).

Memory runs image by image (N is the first axis), so row c holds parts of several images and channels: the
statistics, the output and the running statistics are those of mixed rows. Right only for one image (N = 1);
x.transpose(1, 0, 2, 3).reshape(C, -1) gives the channel rows.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="out", hint="axis")


class BatchNorm2D(Reference):
    def forward(self, x):
        C = x.shape[1]
        rows = np.asarray(x, dtype=np.float64).reshape(C, -1)  # BUG: x.transpose(1, 0, 2, 3).reshape(C, -1)
        if self.training:
            mean, var = rows.mean(axis=1), rows.var(axis=1)
            count = rows.shape[1]
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * (count / (count - 1))
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        xhat_rows = (rows - mean[:, None]) * inv_std[:, None]
        out = self.params["gamma"][:, None] * xhat_rows + self.params["beta"][:, None]
        self.rows_xhat, self.rows_inv_std = xhat_rows, inv_std
        return out.reshape(x.shape).astype(x.dtype)

    def backward(self, dout):
        C = dout.shape[1]
        d = np.asarray(dout, dtype=np.float64).reshape(C, -1)
        xhat, inv_std = self.rows_xhat, self.rows_inv_std
        self.grads["beta"] = d.sum(axis=1)
        self.grads["gamma"] = (d * xhat).sum(axis=1)
        dxhat = d * self.params["gamma"][:, None]
        dx = inv_std[:, None] * (dxhat - dxhat.mean(axis=1, keepdims=True)
                                 - xhat * (dxhat * xhat).mean(axis=1, keepdims=True))
        return dx.reshape(dout.shape).astype(dout.dtype)
