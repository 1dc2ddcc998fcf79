"""A global average pool written channels-last: x.reshape(N, H*W, C).mean(axis=1) on an (N, C, H, W) array.

The reshape keeps the memory order, so each of its C columns takes every C-th value of the image, which runs
through all the channels: the averages mix channels (right only for one channel, or a 1x1 image). Averaging over
axes (2, 3) keeps each channel apart.
"""

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="out", hint="channels")


class AvgPool2D(Reference):
    def forward(self, x):
        if not self.global_pool:
            return super().forward(x)
        self.x_shape, self.x_dtype = x.shape, x.dtype
        N, C = x.shape[:2]
        return x.reshape(N, -1, C).mean(axis=1)  # BUG: reads (N, C, H, W) as if it were (N, H, W, C)
