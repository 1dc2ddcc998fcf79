"""Average-pool backward places the windows' gradients from the bottom right corner: the rows and columns that no
window reaches (H - KH not a multiple of the stride) end up at the top and left instead of the bottom and right.

The windows are spread with np.repeat (right for stride = kernel size) and the result is padded back to x's size
with `np.pad(..., ((0, 0), (0, 0), (extra_h, 0), (extra_w, 0)))`: the padding on the wrong side. Right whenever
the windows tile the image exactly.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="window")


class AvgPool2D(Reference):
    def backward(self, dout):
        if self.global_pool or self.stride != self.kernel_size[0] or self.stride != self.kernel_size[1]:
            return super().backward(dout)
        KH, KW = self.kernel_size
        spread = np.repeat(np.repeat(dout / (KH * KW), KH, axis=2), KW, axis=3)
        extra_h, extra_w = self.x_shape[2] - spread.shape[2], self.x_shape[3] - spread.shape[3]
        padded = np.pad(spread, ((0, 0), (0, 0), (extra_h, 0), (extra_w, 0)))  # BUG: (0, extra_h), (0, extra_w)
        return padded.astype(self.x_dtype)
