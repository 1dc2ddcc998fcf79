"""Average pool whose window area is written KH * KH, in forward and backward: right for square windows only.

A KH x KW window holds KH*KW cells; `self.kernel_size[0] ** 2` is that area only when KH == KW, so a 2x3 window's
mean comes out 6/4 = 1.5 times too large, and its gradient as well.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="out", hint="scale")


class AvgPool2D(Reference):
    def forward(self, x):
        out = super().forward(x)
        if self.global_pool:
            return out
        KH, KW = self.kernel_size
        return (out * (KH * KW) / (KH * KH)).astype(x.dtype)  # BUG: the area is KH * KW

    def backward(self, dout):
        dx = super().backward(dout)
        if self.global_pool:
            return dx
        KH, KW = self.kernel_size
        return (dx * (KH * KW) / (KH * KH)).astype(dx.dtype)  # BUG: the area is KH * KW
