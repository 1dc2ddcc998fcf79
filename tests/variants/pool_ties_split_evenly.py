"""Max-pool backward that splits a window's gradient evenly among its tied maxima.

Where a window holds its maximum k times, each of those cells receives dout / k. This is a valid
subgradient (the contract accepts it, like "first maximum"), so it must score full marks.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = None


class MaxPool2D(Reference):
    def backward(self, dout):
        x, out = self.x, self.out
        KH, KW = self.kernel_size
        stride = self.stride
        H_out, W_out = out.shape[2:]

        ties = np.zeros(out.shape, dtype=x.dtype)  # how many cells of each window equal its maximum
        for p in range(KH):
            for q in range(KW):
                rows = slice(p, p + stride * H_out, stride)
                columns = slice(q, q + stride * W_out, stride)
                ties += x[:, :, rows, columns] == out
        share = dout / ties
        dx = np.zeros_like(x)
        for p in range(KH):
            for q in range(KW):
                rows = slice(p, p + stride * H_out, stride)
                columns = slice(q, q + stride * W_out, stride)
                dx[:, :, rows, columns] += np.where(x[:, :, rows, columns] == out, share, 0)
        return dx
