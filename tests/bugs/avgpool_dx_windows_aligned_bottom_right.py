"""Average-pool backward places the windows' gradients from the bottom right corner: the rows and columns that no
window reaches (H - KH not a multiple of the stride) end up at the top and left instead of the bottom and right.

The offset of the leftover rows is added to every window's start (as `np.pad(..., ((0, 0), (0, 0), (extra_h, 0),
(extra_w, 0)))` does after a repeat-based spread): the padding on the wrong side. Right whenever the windows reach
the image's last row and column.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="window")


class AvgPool2D(Reference):
    def backward(self, dout):
        if self.global_pool:
            return super().backward(dout)
        KH, KW = self.kernel_size
        s = self.stride
        H, W = self.x_shape[2:]
        H_out, W_out = dout.shape[2:]
        extra_h, extra_w = H - ((H_out - 1) * s + KH), W - ((W_out - 1) * s + KW)
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        for i in range(H_out):
            for j in range(W_out):
                r, c = extra_h + i * s, extra_w + j * s  # BUG: the leftover rows and columns belong after the windows
                dx[:, :, r:r + KH, c:c + KW] += dout[:, :, i:i + 1, j:j + 1] / (KH * KW)
        return dx
