"""dW's entries are scrambled: the (C*KH*KW, F) matrix of filter gradients is reshaped straight to (F, C, KH, KW), e.g.
`cols @ dout_cols.T` forced into shape; transpose it first (or multiply dout_cols @ cols.T).

`cols @ dout_cols.T` has shape (C*KH*KW, F); reshaping it straight to (F, C, KH, KW) scrambles the entries (a
transpose was needed). Same size, so no error is raised; right only when F == 1 or C*KH*KW == 1.
"""

import numpy as np

from tests.variants.conv_whole_batch_im2col import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dW", hint="channels")


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
        self.grads["W"] = (cols @ dout_cols.T).reshape(W_param.shape).astype(W_param.dtype)  # BUG: needs .T first
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
