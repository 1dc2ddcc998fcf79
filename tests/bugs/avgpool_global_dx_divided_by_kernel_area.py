"""The global average pool's backward divides dout by KH * KW, the constructor's kernel_size (2x2 by default),
which global_pool=True ignores.

The window of the global pool is the whole image: each cell's gradient is dout / (H * W). Only a 2x2 image gives
the right answer.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="scale")


class AvgPool2D(Reference):
    def backward(self, dout):
        if not self.global_pool:
            return super().backward(dout)
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        KH, KW = self.kernel_size
        dx += dout[:, :, None, None] / (KH * KW)  # BUG: / (H * W)
        return dx
