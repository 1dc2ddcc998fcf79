"""Max-pool backward whose mask of windows already served is reassigned at each kernel offset, not updated.

`routed = first_max` where `routed |= first_max` belongs: an offset where a window finds no maximum clears its
mark, and the next tied maximum of that window takes a second full copy of its gradient (2 of 3 tied cells in a
1x3 window). Without ties every window has one maximum and the result is right.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="pool_all_ties")


class MaxPool2D(Reference):
    def backward(self, dout):
        x, out = self.x, self.out
        KH, KW = self.kernel_size
        stride = self.stride
        H_out, W_out = out.shape[2:]
        dx = np.zeros_like(x)
        routed = np.zeros(out.shape, dtype=bool)
        for p in range(KH):
            for q in range(KW):
                rows = slice(p, p + stride * H_out, stride)
                columns = slice(q, q + stride * W_out, stride)
                first_max = (x[:, :, rows, columns] == out) & ~routed
                dx[:, :, rows, columns] += dout * first_max
                routed = first_max  # BUG: routed |= first_max
        return dx
