"""Max-pool backward looks for the maximum of window (i, j) at (i, j) instead of (i*stride, j*stride).

The forward pass is right; the backward loop forgot the stride when it re-slices the window, so for stride > 1 the
gradient goes to the maximum of the wrong patch.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="stride")


class MaxPool2D(Reference):
    def backward(self, dout):
        x = self.x
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        H_out, W_out = dout.shape[2:]

        dx = np.zeros_like(x)
        for n in range(N):
            for c in range(C):
                for i in range(H_out):
                    for j in range(W_out):
                        window = x[n, c, i:i + KH, j:j + KW]  # BUG: starts at (i*stride, j*stride)
                        p, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, c, i + p, j + q] += dout[n, c, i, j]
        return dx
