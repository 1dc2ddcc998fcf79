"""Average-pool backward places window (i, j)'s gradient at (i*KH, j*KW), the windows side by side, ignoring the
stride: as np.repeat(np.repeat(dout / (KH*KW), KH, axis=2), KW, axis=3) copied into the top left of dx lays them.

Right whenever the stride equals the window (the default); with overlapping or spaced-out windows the gradient
lands on the wrong cells.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="window")


class AvgPool2D(Reference):
    def backward(self, dout):
        if self.global_pool:
            return super().backward(dout)
        KH, KW = self.kernel_size
        spread = np.repeat(np.repeat(dout / (KH * KW), KH, axis=2), KW, axis=3)  # BUG: window (i, j) starts at i*stride
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        rows, cols = min(spread.shape[2], dx.shape[2]), min(spread.shape[3], dx.shape[3])
        dx[:, :, :rows, :cols] = spread[:, :, :rows, :cols]
        return dx
