"""Max-pool backward copies each window's gradient into every cell of the window instead of only its maximum.

The student copies dout into every cell of the window, as if the layer were a sum pool (or averaging without the
division): only the maximum influenced the output, so the other cells must get 0.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="pool_non_max")


class MaxPool2D(Reference):
    def backward(self, dout):
        x = self.x
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        stride = self.stride
        H_out, W_out = dout.shape[2:]

        dx = np.zeros_like(x)
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + KH)
                columns = slice(j * stride, j * stride + KW)
                # BUG: only the window's maximum gets dout; the other cells get 0
                dx[:, :, rows, columns] += dout[:, :, i, j][:, :, None, None]
        return dx
