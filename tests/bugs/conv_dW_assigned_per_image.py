"""dW holds only the last image's gradient instead of the sum over the batch, e.g. a loop over the images that assigns
each image's dW with `=` where `+=` belongs.

The student loops over the batch, forms each image's dW with one matrix product and assigns it; the gradient of the
weights is the sum over every image. Right only for N = 1 (the `dw_assign` mutant of the research note, 3.1).
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
        W_param, b_param = self.params["W"], self.params["b"]

        cols_per_image = cols.reshape(C * KH * KW, N, H_out * W_out)
        dW = np.zeros((F, C * KH * KW))
        for n in range(N):
            dout_n = dout[n].reshape(F, H_out * W_out)
            dW = dout_n @ cols_per_image[:, n].T  # BUG: dW += ..., the batch adds up
        self.grads["W"] = dW.reshape(W_param.shape).astype(W_param.dtype)
        self.grads["b"] = dout.sum(axis=(0, 2, 3)).astype(b_param.dtype)

        dout_cols = dout.transpose(1, 0, 2, 3).reshape(F, N * H_out * W_out)
        w = W_param.astype(x.dtype, copy=False).reshape(F, C * KH * KW)
        dcols = (w.T @ dout_cols).reshape(C, KH, KW, N, H_out, W_out)
        dx_pad = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=x.dtype)
        for p in range(KH):
            for q in range(KW):
                rows = slice(p, p + stride * H_out, stride)
                columns = slice(q, q + stride * W_out, stride)
                dx_pad[:, :, rows, columns] += dcols[:, p, q].transpose(1, 0, 2, 3)
        return dx_pad[:, :, padding:padding + H, padding:padding + W]
