"""dx puts the window of out[..., i, j] at (i, j) instead of (i*stride, j*stride).

A loop over n, f, i, j adds `W[f] * dout[n, f, i, j]` to the input window, but the window start forgets the stride:
right for stride 1, wrong as soon as stride > 1. The `stride` mutant of the research note (3.1).
"""

import numpy as np

from tests.variants.conv_whole_batch_im2col import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dx", hint="stride")


class Conv2D(Reference):
    def backward(self, dout):
        x, cols = self.x, self.cols
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        padding = self.padding
        H_out, W_out = dout.shape[2:]

        dout_cols = dout.transpose(1, 0, 2, 3).reshape(F, N * H_out * W_out)
        W_param, b_param = self.params["W"], self.params["b"]
        self.grads["W"] = (dout_cols @ cols.T).reshape(W_param.shape).astype(W_param.dtype)
        self.grads["b"] = dout.sum(axis=(0, 2, 3)).astype(b_param.dtype)

        w = W_param.astype(x.dtype)
        dx_pad = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=x.dtype)
        for n in range(N):
            for f in range(F):
                for i in range(H_out):
                    for j in range(W_out):
                        # BUG: the window of out[n, f, i, j] starts at (i*stride, j*stride)
                        dx_pad[n, :, i:i + KH, j:j + KW] += w[f] * dout[n, f, i, j]
        return dx_pad[:, :, padding:padding + H, padding:padding + W]
