"""Max-pool backward loops over window starts up to the pooled size instead of the input size, so part of the map gets
no gradient.

CNN-scratcher looped `range(0, 15, 2)` over a 30x30 map: the window start h runs in steps of the stride but stops
at H_out instead of H - KH + 1, so only the top-left part of the map gets its gradient. Right for stride 1, where
both bounds agree. Source: bug-catalogue S4.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="zeros")


class MaxPool2D(Reference):
    def backward(self, dout):
        x = self.x
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        stride = self.stride
        H_out, W_out = dout.shape[2:]

        dx = np.zeros_like(x)
        for n in range(N):
            for c in range(C):
                for h in range(0, H_out, stride):  # BUG: range(0, H - KH + 1, stride)
                    for w in range(0, W_out, stride):  # BUG: range(0, W - KW + 1, stride)
                        window = x[n, c, h:h + KH, w:w + KW]
                        p, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, c, h + p, w + q] += dout[n, c, h // stride, w // stride]
        return dx
