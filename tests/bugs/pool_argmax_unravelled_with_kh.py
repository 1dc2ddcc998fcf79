"""Backward unravels each window's flat argmax with KH instead of KW (row = idx // KH, col = idx % KH).

Right for square windows only: with KH != KW the gradient goes to another cell of the window, or out of it.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="square")


class MaxPool2D(Reference):
    def backward(self, dout):
        x, (KH, KW), s = self.x, self.kernel_size, self.stride
        N, C, H_out, W_out = dout.shape
        dx = np.zeros_like(x)
        for i in range(H_out):
            for j in range(W_out):
                window = x[:, :, i * s:i * s + KH, j * s:j * s + KW].reshape(N, C, -1)
                idx = window.argmax(axis=2)
                rows, cols = idx // KH, idx % KH  # BUG: row = idx // KW, col = idx % KW
                for n in range(N):
                    for c in range(C):
                        dx[n, c, i * s + rows[n, c], j * s + cols[n, c]] += dout[n, c, i, j]
        return dx
