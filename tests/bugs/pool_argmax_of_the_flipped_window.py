"""Max-pool backward sends each window's gradient to the mirror image of its maximum
(flat cell KH*KW - 1 - k instead of k), as when the argmax of the flipped flat window
(taken to favour the last of tied maxima) is used without mapping it back.

Index i of window.ravel()[::-1] is cell size - 1 - i of the window: the gradient lands on the mirror image of the
maximum's place.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="pool_non_max")


class MaxPool2D(Reference):
    def backward(self, dout):
        x = self.x
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = dout.shape[2:]
        dx = np.zeros_like(x)
        for n in range(x.shape[0]):
            for c in range(x.shape[1]):
                for i in range(H_out):
                    for j in range(W_out):
                        window = x[n, c, i * s:i * s + KH, j * s:j * s + KW]
                        k = int(np.argmax(window.ravel()[::-1]))  # BUG: window.size - 1 - that index
                        r, q = divmod(k, KW)
                        dx[n, c, i * s + r, j * s + q] += dout[n, c, i, j]
        return dx
