"""Average pool whose window backward copies dout to every cell of the window without dividing by KH*KW.

Forward divides each window's sum by its KH*KW cells, so each cell's gradient is dout / (KH*KW); without the
division dx is KH*KW times too large.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="dx", hint="window")


class AvgPool2D(Reference):
    def backward(self, dout):
        if self.global_pool:
            return super().backward(dout)
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        KH, KW = self.kernel_size
        H_out, W_out = dout.shape[2:]
        for p in range(KH):
            for q in range(KW):
                dx[:, :, p:p + self.stride * H_out:self.stride, q:q + self.stride * W_out:self.stride] += dout  # BUG
        return dx
