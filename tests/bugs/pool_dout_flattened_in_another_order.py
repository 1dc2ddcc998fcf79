"""Max-pool backward gives each window's maximum the gradient of another output: dout is flattened in (n, c, i, j) order
while the windows are listed in (i, j, n, c) order (e.g. im2col columns); flatten dout in the windows' order.

Each column's maximum then receives the gradient of another output: the windows and the argmax are right, the
pairing with dout is not. Positions whose two flat indices coincide (the first and the last) still land home.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="order")


class MaxPool2D(Reference):
    def backward(self, dout):
        x = self.x
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = dout.shape[2:]
        # columns: one per (i, j, n, c), each holding a window's KH*KW cells
        cols = np.stack([x[:, :, i * s:i * s + KH, j * s:j * s + KW].reshape(N * C, KH * KW)
                         for i in range(H_out) for j in range(W_out)]).reshape(-1, KH * KW)
        best = cols.argmax(axis=1)
        grad = dout.ravel()  # BUG: (n, c, i, j) order; the columns are (i, j, n, c): dout.transpose(2, 3, 0, 1)
        dx = np.zeros_like(x)
        for k, (cell, g) in enumerate(zip(best, grad)):
            ij, nc = divmod(k, N * C)
            i, j = divmod(ij, W_out)
            n, c = divmod(nc, C)
            p, q = divmod(int(cell), KW)
            dx[n, c, i * s + p, j * s + q] += g
        return dx
