"""dW reads the window of output (i, j) at x_pad[..., i:i+KH, j:j+KW], without the stride.

Forward and dx are the reference's; with stride 1, or with one output position (whose window starts at 0), dW is
right. With a stride above 1 and several positions, each dout entry is paired with the wrong window.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dW", hint="stride")


class Conv2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        x, p = self.x, self.padding
        KH, KW = self.kernel_size
        x_pad = np.pad(np.asarray(x, dtype=np.float64), ((0, 0), (0, 0), (p, p), (p, p)))
        dW = np.zeros(self.params["W"].shape)
        for i in range(dout.shape[2]):
            for j in range(dout.shape[3]):
                window = x_pad[:, :, i:i + KH, j:j + KW]  # BUG: i * stride, j * stride
                dW += np.einsum("nf,nchw->fchw", dout[:, :, i, j], window)
        self.grads["W"] = dW
        return dx
