"""BatchNorm's backward counts the values of a channel as N*H*H instead of N*H*W.

Right for every square image, which is what most tests of a CNN feed; wrong as soon as H != W.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="dx", hint="square")


class BatchNorm2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)  # sets grads; dx recomputed below with the student's count
        if not self.trained:
            return dx
        N, C, H, W = dout.shape
        count = N * H * H  # BUG: N * H * W
        xhat = self.xhat
        scale = self.params["gamma"].astype(xhat.dtype).reshape(1, -1, 1, 1) * self.inv_std
        total = dout.sum(axis=(0, 2, 3), keepdims=True)
        weighted = (dout * xhat).sum(axis=(0, 2, 3), keepdims=True)
        return (scale / count * (count * dout - total - xhat * weighted)).astype(xhat.dtype)
