"""The global average pool squeezes the (N, C, 1, 1) mean: .squeeze() drops N and C too when they are 1.

x.mean(axis=(2, 3), keepdims=True).squeeze() is (N, C) for N, C > 1, but (C,) for one image, (N,) for one
channel and () for both.
"""

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="shape", hint="shape")


class AvgPool2D(Reference):
    def forward(self, x):
        if not self.global_pool:
            return super().forward(x)
        self.x_shape, self.x_dtype = x.shape, x.dtype
        return x.mean(axis=(2, 3), keepdims=True).squeeze()  # BUG: x.mean(axis=(2, 3))
