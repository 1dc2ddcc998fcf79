"""The global average pool's backward copies dout to every cell of the image without dividing by H * W.

Forward divides the sum of the H * W cells by H * W, so each cell's weight, and its gradient, is dout / (H * W).
Broadcasting dout[:, :, None, None] over the image is right; leaving out the division makes dx H * W times too
large.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="scale")


class AvgPool2D(Reference):
    def backward(self, dout):
        if not self.global_pool:
            return super().backward(dout)
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        dx += dout[:, :, None, None]  # BUG: / (H * W)
        return dx
