"""Conv2D's forward flattens its weights in place, `self.params["W"].shape = (F, -1)`, to multiply by im2col rows.

The parameter itself changes shape: the gradient (F, C, KH, KW) no longer matches it, and an optimizer's update
fails on the mismatch.
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="params['W']", hint="shape")


class Conv2D(Reference):
    def forward(self, x):
        W = self.params["W"]
        if W.ndim == 2:
            W.shape = self._kernel_shape
        self._kernel_shape = W.shape
        out = super().forward(x)
        W.shape = (W.shape[0], -1)  # BUG: flatten a local copy, W.reshape(F, -1); the parameter keeps its shape
        return out

    def backward(self, dout):
        W = self.params["W"]
        W.shape = self._kernel_shape
        dx = super().backward(dout)
        W.shape = (W.shape[0], -1)
        return dx
