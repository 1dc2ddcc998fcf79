"""dx spreads each output's gradient with the kernel mirrored (rotated by 180 degrees), e.g. a scatter dx_pad[window] +=
dout[n, f, i, j] * W[f, :, ::-1, ::-1], or a full convolution of dout with W not rotated: the rotation belongs to the
full-convolution form of dx only; the scatter uses W as forward does.

Here dx is the scatter, with W[f, :, ::-1, ::-1] in place of W[f]. Right for 1x1 kernels
(and kernels symmetric under the rotation).
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dx", hint="flip")


class Conv2D(Reference):
    def backward(self, dout):
        super().backward(dout)  # dW and db as the reference computes them
        x = self.x
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s, p = self.stride, self.padding
        H_out, W_out = dout.shape[2:]
        rotated = self.params["W"][:, :, ::-1, ::-1]  # BUG: the scatter uses W itself
        dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p))
        for i in range(H_out):
            for j in range(W_out):
                dx_pad[:, :, i * s:i * s + KH, j * s:j * s + KW] += np.einsum("nf,fckl->nckl", dout[:, :, i, j], rotated)
        return dx_pad[:, :, p:p + H, p:p + W].astype(x.dtype)
