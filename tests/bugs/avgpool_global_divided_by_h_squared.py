"""The global average pool divides by H * H where H * W belongs (a W typed as H): each cell's gradient is dout / (H * H)
instead of dout / (H * W); check forward's mean for the same slip.

Here forward and backward make the same slip. Square images hide it; on an H x W image with H != W the output is W / H
times the mean (set I).
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="out", hint="scale")


class AvgPool2D(Reference):
    def forward(self, x):
        if not self.global_pool:
            return super().forward(x)
        N, C, H, W = x.shape
        self.x_shape, self.x_dtype = x.shape, x.dtype
        return (x.sum(axis=(2, 3)) / (H * H)).astype(x.dtype)  # BUG: / (H * W)

    def backward(self, dout):
        if not self.global_pool:
            return super().backward(dout)
        N, C, H, W = self.x_shape
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        dx += dout[:, :, None, None] / (H * H)  # the same typo
        return dx
