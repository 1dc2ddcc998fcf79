"""dx uses only the local derivative: the upstream gradient dout is replaced by ones (chain rule missing).

The student differentiates out with respect to x ("each pixel contributes W") and forgets the chain rule, spreading
W with weight 1 from every output instead of dout. dW and db are right.
"""

import numpy as np

from tests.variants.conv_whole_batch_im2col import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dx", hint="ignores_dout")


class Conv2D(Reference):
    def backward(self, dout):
        x, cols = self.x, self.cols
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        stride, padding = self.stride, self.padding
        H_out, W_out = dout.shape[2:]

        dout_cols = dout.transpose(1, 0, 2, 3).reshape(F, N * H_out * W_out)
        W_param, b_param = self.params["W"], self.params["b"]
        self.grads["W"] = (dout_cols @ cols.T).reshape(W_param.shape).astype(W_param.dtype)
        self.grads["b"] = dout.sum(axis=(0, 2, 3)).astype(b_param.dtype)

        w = W_param.astype(x.dtype, copy=False).reshape(F, C * KH * KW)
        dcols = (w.T @ np.ones_like(dout_cols)).reshape(C, KH, KW, N, H_out, W_out)  # BUG: w.T @ dout_cols
        dx_pad = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=x.dtype)
        for p in range(KH):
            for q in range(KW):
                rows = slice(p, p + stride * H_out, stride)
                columns = slice(q, q + stride * W_out, stride)
                dx_pad[:, :, rows, columns] += dcols[:, p, q].transpose(1, 0, 2, 3)
        return dx_pad[:, :, padding:padding + H, padding:padding + W]
