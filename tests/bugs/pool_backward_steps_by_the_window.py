"""Backward visits window (i, j) at (i*KH, j*KW), stepping by the window size instead of the stride.

Forward steps by the stride; backward re-slices the windows with the kernel size as step, which is the same only
when stride == kernel size (the default). With overlapping windows the slices have the wrong length and backward
raises; with a stride larger than the window they land on the wrong cells.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="stride")


class MaxPool2D(Reference):
    def backward(self, dout):
        x, out = self.x, self.out
        KH, KW = self.kernel_size
        H_out, W_out = out.shape[2:]
        dx = np.zeros_like(x)
        routed = np.zeros(out.shape, dtype=bool)
        for p in range(KH):
            for q in range(KW):
                rows = slice(p, p + KH * H_out, KH)  # BUG: the step is the stride, not KH
                columns = slice(q, q + KW * W_out, KW)
                hit = (x[:, :, rows, columns] == out) & ~routed
                dx[:, :, rows, columns] += np.where(hit, dout, 0)
                routed |= hit
        return dx
