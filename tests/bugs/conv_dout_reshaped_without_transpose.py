"""Backward pairs dout with the wrong images and filters: dout's (N, F, Ho, Wo) memory is read as if it were
(F, N, Ho, Wo), e.g. dout.reshape(F, -1) without a transpose; transpose it to (F, N, Ho, Wo) first.

The columns of the im2col matrix are ordered (n, i, j), so dout must become (F, N, Ho, Wo) before the reshape:
`dout.transpose(1, 0, 2, 3).reshape(F, -1)`. A plain `dout.reshape(F, -1)` gives the same numbers in the right
places only when N == 1 or F == 1, so one image or one filter hides it. dx and dW are both built from it.
"""

import numpy as np

from tests.variants.conv_whole_batch_im2col import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dW", hint="batch")


class Conv2D(Reference):
    def backward(self, dout):
        x, cols = self.x, self.cols
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        stride, padding = self.stride, self.padding
        H_out, W_out = dout.shape[2:]

        dout_cols = dout.reshape(F, N * H_out * W_out)  # BUG: (N, F, ...) read as (F, N, ...)
        W_param, b_param = self.params["W"], self.params["b"]
        self.grads["W"] = (dout_cols @ cols.T).reshape(W_param.shape).astype(W_param.dtype)
        self.grads["b"] = dout.sum(axis=(0, 2, 3)).astype(b_param.dtype)

        w = W_param.astype(x.dtype, copy=False).reshape(F, C * KH * KW)
        dcols = (w.T @ dout_cols).reshape(C, KH, KW, N, H_out, W_out)
        dx_pad = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=x.dtype)
        for p in range(KH):
            for q in range(KW):
                rows = slice(p, p + stride * H_out, stride)
                columns = slice(q, q + stride * W_out, stride)
                dx_pad[:, :, rows, columns] += dcols[:, p, q].transpose(1, 0, 2, 3)
        return dx_pad[:, :, padding:padding + H, padding:padding + W]
