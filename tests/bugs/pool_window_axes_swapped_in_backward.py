"""Max-pool backward sends each window's gradient to the transposed position (q, p) of its maximum at (p, q) inside the
window, e.g. a wrong transpose when undoing the window flattening.

A reshape fast path for square windows: the maximum's position (p, q) inside a window comes back transposed, so
the gradient reaches a cell that is not the maximum (unless p == q).
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="transpose")


class MaxPool2D(Reference):
    def backward(self, dout):
        x, (KH, KW), s = self.x, self.kernel_size, self.stride
        N, C, H_out, W_out = dout.shape
        dx = np.zeros_like(x)
        for i in range(H_out):
            for j in range(W_out):
                window = x[:, :, i * s:i * s + KH, j * s:j * s + KW].reshape(N, C, -1)
                p, q = np.unravel_index(window.argmax(axis=2), (KH, KW))
                if KH == KW:  # the reshape fast path, taken for square windows
                    p, q = q, p  # BUG: the window's axes swapped back
                for n in range(N):
                    for c in range(C):
                        dx[n, c, i * s + p[n, c], j * s + q[n, c]] += dout[n, c, i, j]
        return dx
