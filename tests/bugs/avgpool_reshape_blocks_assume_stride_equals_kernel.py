"""Average pool with the reshape-into-blocks trick, which assumes the stride equals the kernel size.

`x.reshape(N, C, H // KH, KH, W // KW, KW).mean(axis=(3, 5))` cuts the image into adjacent, non-overlapping
KH x KW blocks: that is the pool only when stride == kernel size. With another stride the windows overlap or
are spaced out, and the output has (H - KH) // stride + 1 rows, not H // KH.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="shape", hint="stride")


class AvgPool2D(Reference):
    def forward(self, x):
        if self.global_pool:
            return super().forward(x)
        self.x_shape, self.x_dtype = x.shape, x.dtype
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        H_out, W_out = H // KH, W // KW  # BUG: (H - KH) // stride + 1 windows, which blocks cannot express
        blocks = x[:, :, :H_out * KH, :W_out * KW].reshape(N, C, H_out, KH, W_out, KW)
        return blocks.mean(axis=(3, 5))

    def backward(self, dout):
        if self.global_pool:
            return super().backward(dout)
        KH, KW = self.kernel_size
        H_out, W_out = dout.shape[2:]
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        spread = np.repeat(np.repeat(dout / (KH * KW), KH, axis=2), KW, axis=3)
        dx[:, :, :H_out * KH, :W_out * KW] = spread
        return dx
