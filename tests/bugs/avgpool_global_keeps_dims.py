"""The global average pool returns shape (N, C, 1, 1) (`x.mean(axis=(2, 3), keepdims=True)`) instead of (N, C).

The values are right, but the contract's global pool gives one number per image and channel, (N, C), which a
Linear layer takes directly. Backward is right: it reshapes dout to (N, C, 1, 1) before spreading it over the image.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="shape", hint="shape")


class AvgPool2D(Reference):
    def forward(self, x):
        if not self.global_pool:
            return super().forward(x)
        self.x_shape, self.x_dtype = x.shape, x.dtype
        return x.mean(axis=(2, 3), keepdims=True)  # BUG: the contract's shape is (N, C)

    def backward(self, dout):
        if not self.global_pool:
            return super().backward(dout)
        N, C, H, W = self.x_shape
        return (np.broadcast_to(dout.reshape(N, C, 1, 1), self.x_shape) / (H * W)).astype(self.x_dtype)
