"""The global average pool mixes the images of a batch: each channel is averaged over N as well as H and W
(e.g. `x[:, c].mean()` without an axis), so every image gets the same number for channel c and each cell's gradient is
dout[:, c].sum() / (N * H * W); average each image on its own, x.mean(axis=(2, 3)).

x[:, c] has shape (N, H, W), and .mean() without an axis averages all of it. The global pool averages each image
on its own, over H and W only: x.mean(axis=(2, 3)). Right for one image, so a batch of one never shows it.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="out", hint="batch")


class AvgPool2D(Reference):
    def forward(self, x):
        if not self.global_pool:
            return super().forward(x)
        self.x_shape, self.x_dtype = x.shape, x.dtype
        N, C = x.shape[:2]
        out = np.zeros((N, C), dtype=x.dtype)
        for c in range(C):
            out[:, c] = x[:, c].mean()  # BUG: averages over N as well; x[:, c].mean(axis=(1, 2))
        return out

    def backward(self, dout):
        if not self.global_pool:
            return super().backward(dout)
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        N, C, H, W = self.x_shape
        for c in range(C):
            dx[:, c] = dout[:, c].sum() / (N * H * W)  # the gradient of this forward: it follows the same mistake
        return dx
