"""Conv backward keeps one window's share per cell where windows overlap: it assigns (`=`), or adds through fancy
indexing with repeated indices (`dx_pad[:, k, i, j] += dcols` adds once per index), instead of adding every share
(np.add.at, or `+=` on slices in a loop).

Here the columns' gradients are scattered back with fancy-indexed `+=`.

NumPy evaluates `a[idx] += v` as `a[idx] = a[idx] + v`, so repeated indices are written, not accumulated;
np.add.at(dx_pad, (slice(None), k, i, j), dcols) accumulates. Right whenever no two windows share a cell (stride
at least the kernel size).
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dx", hint="overlap")


class Conv2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)  # dW and db as the reference computes them
        x = self.x
        N, C, H, W = x.shape
        F, _, KH, KW = self.params["W"].shape
        s, p = self.stride, self.padding
        H_out, W_out = dout.shape[2:]
        k = np.repeat(np.arange(C), KH * KW)[:, None]
        i = (np.tile(np.repeat(np.arange(KH), KW), C)[:, None] + s * np.repeat(np.arange(H_out), W_out)[None, :])
        j = (np.tile(np.arange(KW), KH * C)[:, None] + s * np.tile(np.arange(W_out), H_out)[None, :])
        dcols = (self.params["W"].reshape(F, -1).T @ dout.transpose(1, 2, 3, 0).reshape(F, -1))
        dcols = dcols.reshape(C * KH * KW, H_out * W_out, N).transpose(2, 0, 1)
        dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p), dtype=x.dtype)
        dx_pad[:, k, i, j] += dcols  # BUG: repeated (k, i, j) add once: np.add.at(dx_pad, (slice(None), k, i, j), dcols)
        return dx_pad[:, :, p:p + H, p:p + W]
