"""Average-pool backward spreads the gradient of output (i, j) over the window at (i, j) instead of
(i*stride, j*stride).

Forward steps by the stride; backward forgot it when it re-slices the windows, so with stride > 1 the gradient
lands on the wrong patch of x. Right with stride 1.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="stride")


class AvgPool2D(Reference):
    def backward(self, dout):
        if self.global_pool:
            return super().backward(dout)
        KH, KW = self.kernel_size
        H_out, W_out = dout.shape[2:]
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        for i in range(H_out):
            for j in range(W_out):
                dx[:, :, i:i + KH, j:j + KW] += dout[:, :, i:i + 1, j:j + 1] / (KH * KW)  # BUG: starts at i*stride
        return dx
