"""Max-pool backward sends the full gradient to every tied maximum of a window; send it to one of them (or split it).

NvirAdan's mask is `patch == max_value`: on a window like [[1, 1], [0, 0]] both 1s receive dout, so the gradient is
counted twice. Invisible on random floats (no ties) and hidden there by the ReLU before the pool (the ties were
zeros); integer inputs show it. Source: bug-catalogue N3.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="pool_all_ties")


class MaxPool2D(Reference):
    def backward(self, dout):
        x = self.x
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        stride = self.stride
        H_out, W_out = dout.shape[2:]

        dx = np.zeros_like(x)
        for n in range(N):
            for c in range(C):
                for i in range(H_out):
                    for j in range(W_out):
                        rows = slice(i * stride, i * stride + KH)
                        columns = slice(j * stride, j * stride + KW)
                        window = x[n, c, rows, columns]
                        mask = window == window.max()  # BUG: every tied maximum, not just one
                        dx[n, c, rows, columns] += mask * dout[n, c, i, j]
        return dx
