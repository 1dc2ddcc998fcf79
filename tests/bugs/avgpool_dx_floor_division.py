"""Average-pool backward rounds each cell's share of the gradient down to a whole number, e.g. dout // (KH * KW),
written with // like the index arithmetic next to it (or np.floor of the quotient); the share is dout / (KH * KW).

dout // (KH * KW) rounds every share down to a whole number: a gradient of 0.3 over a 2x2 window sends 0 (and -0.3
sends -1) to each cell.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="dtype")


class AvgPool2D(Reference):
    def backward(self, dout):
        if self.global_pool:
            return super().backward(dout)
        KH, KW = self.kernel_size
        return super().backward(np.floor_divide(dout, KH * KW) * (KH * KW))  # BUG: dout / (KH * KW) per cell
