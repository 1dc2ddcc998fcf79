"""Average pool whose backward sends each cell dout / (KH*KH): right for square windows only.

A KH x KW window's mean weighs each of its KH*KW cells by 1 / (KH*KW), so that is each cell's share of dout.
Writing the area as `KH * KH` (or `self.kernel_size[0] ** 2`) gives the right answer for every square window
and a dx off by KW / KH for the others.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="window")


class AvgPool2D(Reference):
    def backward(self, dout):
        if self.global_pool:
            return super().backward(dout)
        KH, KW = self.kernel_size
        H_out, W_out = dout.shape[2:]
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        for i in range(H_out):
            for j in range(W_out):
                r, c = i * self.stride, j * self.stride
                dx[:, :, r:r + KH, c:c + KW] += dout[:, :, i:i + 1, j:j + 1] / (KH * KH)  # BUG: KH * KW
        return dx
