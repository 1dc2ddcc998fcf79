"""backward shares each window's gradient out with //, as the index arithmetic next to it does.

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
