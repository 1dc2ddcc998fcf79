"""backward averages, rather than adds, what overlapping windows send to a shared cell.

The student counts how many windows cover each cell and divides the summed gradient by that count, "to undo the
double counting"; but each window really uses the cell, so each window's share belongs in dx in full.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="overlap")


class AvgPool2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        if self.global_pool:
            return dx
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = dout.shape[2:]
        covering = np.zeros(self.x_shape[2:])
        for p in range(KH):
            for q in range(KW):
                covering[p:p + s * H_out:s, q:q + s * W_out:s] += 1
        return (dx / np.maximum(covering, 1)).astype(self.x_dtype)  # BUG: the shares add up, no division
