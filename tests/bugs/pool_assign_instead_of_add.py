"""Max-pool backward keeps one gradient per cell where overlapping windows share a maximum: it assigns (`=`), or adds
through fancy indexing with repeated indices (which also keeps one), instead of adding every one (`+=`, np.add.at).

VidVision wrote `self.dx[...][h_idx, w_idx] = dout[...]`. When windows overlap (stride < kernel) one pixel can be
the maximum of two windows and must receive both gradients; `=` keeps only the last one. Right for non-overlapping
windows such as k = s = 2. Source: bug-catalogue V1.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="overlap")


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
                for i in range(H_out):
                    for j in range(W_out):
                        window = x[n, c, i * stride:i * stride + KH, j * stride:j * stride + KW]
                        p, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, c, i * stride + p, j * stride + q] = dout[n, c, i, j]  # BUG: += (windows overlap)
        return dx
