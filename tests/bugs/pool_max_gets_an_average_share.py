"""The maximum of each window receives dout / (KH * KW), an average pool's share, instead of all of dout.

Mixing up the two pools' backward passes: the routing to the maximum is right, the division is average pooling's.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="scale")


class MaxPool2D(Reference):
    def backward(self, dout):
        KH, KW = self.kernel_size
        return super().backward(dout / (KH * KW))  # BUG: the maximum takes the whole gradient
