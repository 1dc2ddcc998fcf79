"""Max pool with the reshape-into-blocks trick, which never reads the stride: `x.reshape(N, C, H // KH, KH, W // KW,
KW).max(axis=(3, 5))` pools adjacent KH x KW blocks.

That is the pool only when the stride equals the window (the default). With another stride the windows overlap or
leave gaps, the output has (H - KH) // stride + 1 rows, and, where the counts happen to agree, the maxima come from
the wrong cells.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="shape", hint="stride")


class MaxPool2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        H_out, W_out = H // KH, W // KW  # BUG: (H - KH) // stride + 1 windows, stride apart
        blocks = x[:, :, :H_out * KH, :W_out * KW].reshape(N, C, H_out, KH, W_out, KW)
        out = blocks.max(axis=(3, 5))
        self.x, self.blocks, self.out = x, blocks, out
        return out

    def backward(self, dout):
        N, C, H_out, KH, W_out, KW = self.blocks.shape
        first = (self.blocks == self.out[:, :, :, None, :, None]).reshape(N, C, H_out, KH, W_out, KW)
        flat = first.transpose(0, 1, 2, 4, 3, 5).reshape(N, C, H_out, W_out, KH * KW)
        keep = np.zeros_like(flat)
        keep[np.arange(N)[:, None, None, None], np.arange(C)[None, :, None, None], np.arange(H_out)[None, None, :, None],
             np.arange(W_out)[None, None, None, :], flat.argmax(axis=-1)] = True
        mask = keep.reshape(N, C, H_out, W_out, KH, KW).transpose(0, 1, 2, 4, 3, 5)
        dx = np.zeros_like(self.x)
        dx[:, :, :H_out * KH, :W_out * KW] = (mask * dout[:, :, :, None, :, None]).reshape(N, C, H_out * KH, W_out * KW)
        return dx
