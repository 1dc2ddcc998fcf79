"""BatchNorm2D computed on a channels-last (N*H*W, C) matrix in float64, with np.var(ddof=1) for the running variance
and the running statistics updated in place (`*=`, `+=`) instead of rebound.

The layout, the float64 arithmetic (cast back to x's dtype) and the in-place update are all allowed by the contract:
full marks.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = None


def _rows(a):
    """(N, C, H, W) -> (N*H*W, C), one row per pixel."""
    return a.transpose(0, 2, 3, 1).reshape(-1, a.shape[1])


def _image(rows, shape):
    N, C, H, W = shape
    return rows.reshape(N, H, W, C).transpose(0, 3, 1, 2)


class BatchNorm2D(Reference):
    def forward(self, x):
        rows = _rows(x).astype(np.float64)
        if self.training:
            mean, var = rows.mean(axis=0), rows.var(axis=0)
            self.running_mean *= 1.0 - self.momentum
            self.running_mean += self.momentum * mean
            self.running_var *= 1.0 - self.momentum
            self.running_var += self.momentum * rows.var(axis=0, ddof=1)
        else:
            mean, var = self.running_mean, self.running_var
        self.rows_inv_std = 1.0 / np.sqrt(var + self.eps)
        self.rows_xhat = (rows - mean) * self.rows_inv_std
        self.trained = self.training
        out = self.rows_xhat * self.params["gamma"] + self.params["beta"]
        return _image(out, x.shape).astype(x.dtype)

    def backward(self, dout):
        d = _rows(dout).astype(np.float64)
        xhat, inv_std = self.rows_xhat, self.rows_inv_std
        self.grads["gamma"] = np.einsum("mc,mc->c", d, xhat)
        self.grads["beta"] = d.sum(axis=0)
        dxhat = d * self.params["gamma"]
        if self.trained:
            dxhat = dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)
        return _image(dxhat * inv_std, dout.shape).astype(dout.dtype)
