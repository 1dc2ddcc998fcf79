"""Max-pool backward that sends each window's gradient to its *last* maximum in row-major order.

A loop over the window that keeps the last index where the value equals the maximum (`>=` instead of
`>`). On ties this picks a different cell from the reference, which is just as valid.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = None


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
                        best, best_p, best_q = -np.inf, 0, 0
                        for p in range(KH):
                            for q in range(KW):
                                value = x[n, c, i * stride + p, j * stride + q]
                                if value >= best:  # >=: the last maximum wins
                                    best, best_p, best_q = value, p, q
                        dx[n, c, i * stride + best_p, j * stride + best_q] += dout[n, c, i, j]
        return dx
