"""Average-pool backward divides dout by the image size H * W instead of by the window size KH * KW.

Forward is right. H * W is the divisor of the global pool, whose window is the whole image; a KH x KW window
averages KH * KW cells, so each of them gets dout / (KH * KW). Every entry of dx comes out KH*KW / (H*W) times
the true one.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="scale")


class AvgPool2D(Reference):
    def backward(self, dout):
        if self.global_pool:
            return super().backward(dout)
        N, C, H, W = self.x_shape
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = dout.shape[2:]
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        share = dout / (H * W)  # BUG: each cell of a window gets dout / (KH * KW)
        for p in range(KH):
            for q in range(KW):
                dx[:, :, p:p + s * H_out:s, q:q + s * W_out:s] += share
        return dx
