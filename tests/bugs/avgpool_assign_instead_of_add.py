"""Average-pool backward keeps one window's share per cell where windows overlap: it assigns (`=`), or adds through
fancy indexing with repeated indices (which also keeps one), instead of adding every share (`+=` in a loop, np.add.at).

Where windows overlap (stride < kernel size) a cell belongs to several windows and must receive the share of
each; `=` keeps only the last window's. Right whenever the windows do not overlap, such as the default
stride = kernel size.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="overlap")


class AvgPool2D(Reference):
    def backward(self, dout):
        if self.global_pool:
            return super().backward(dout)
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = dout.shape[2:]
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        for i in range(H_out):
            for j in range(W_out):
                dx[:, :, i * s:i * s + KH, j * s:j * s + KW] = dout[:, :, i:i + 1, j:j + 1] / (KH * KW)  # BUG: +=
        return dx
