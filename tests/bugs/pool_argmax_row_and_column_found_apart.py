"""backward finds the maximum's row as the argmax of the row maxima and its column as the argmax of the column
maxima, separately.

Right whenever a window has one maximum; with tied maxima in different rows and columns ([[0, 5], [5, 0]]) the
pair (row, column) can point at a cell that is not a maximum at all.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="pool_non_max")


class MaxPool2D(Reference):
    def backward(self, dout):
        x = self.x
        KH, KW = self.kernel_size
        s = self.stride
        N, C, H_out, W_out = dout.shape
        dx = np.zeros_like(x)
        for i in range(H_out):
            for j in range(W_out):
                window = x[:, :, i * s:i * s + KH, j * s:j * s + KW]
                for n in range(N):
                    for c in range(C):
                        row = int(np.argmax(window[n, c].max(axis=1)))  # BUG: one argmax of the whole window,
                        col = int(np.argmax(window[n, c].max(axis=0)))  # unravelled (np.unravel_index)
                        dx[n, c, i * s + row, j * s + col] += dout[n, c, i, j]
        return dx
