"""dW pairs every image's dout with the last image's input (its im2col columns) instead of each image's own, e.g. when
forward loops over the images and caches each image's columns in one attribute, so backward sees the last only.

dW = sum over n of dout[n] @ cols.T then pairs every image's gradient with the last image's columns. Right for a
batch of one.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dW", hint="batch")


class Conv2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        last = np.broadcast_to(self.x[-1:], self.x.shape)  # BUG: every image's own input
        saved = self.x
        try:
            self.x = last
            super().backward(dout)  # dW from the last image's columns
        finally:
            self.x = saved
        return dx
