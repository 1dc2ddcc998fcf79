"""Average-pool backward spreads each output's gradient over the stride x stride block at (i*stride, j*stride) instead
of over its KH x KW window, as repeating dout by the stride (np.repeat) does.

`np.repeat(np.repeat(dout, s, axis=2), s, axis=3) / (KH*KW)` puts dout[i, j] on x[i*s:(i+1)*s, j*s:(j+1)*s]: the
window's cells when the window equals the stride, and the wrong cells (too few where windows overlap, too many
where they are spaced out) otherwise. Right for the default stride = kernel size.
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
        H_out, W_out = dout.shape[2:]
        spread = np.repeat(np.repeat(dout / (KH * KW), s, axis=2), s, axis=3)  # BUG: a window is KH x KW, not s x s
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        rows, cols = min(H_out * s, dx.shape[2]), min(W_out * s, dx.shape[3])
        dx[:, :, :rows, :cols] = spread[:, :, :rows, :cols]
        return dx
