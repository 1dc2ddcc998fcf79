"""dW is a convolution of x with dout (like scipy's convolve2d) where a cross-correlation is needed: each window is
paired with dout rotated by 180 degrees.

ManualCNN wrote `grad_kernels += convolve2d(x, grad_out, 'valid')`; a convolution flips its second argument, so
every dW[f, c, p, q] pairs the input window with dout rotated by 180 degrees. `correlate2d` is right. Written here
as the loop a student without scipy would write. Source: bug-catalogue M1.
"""

import numpy as np

from tests.variants.conv_whole_batch_im2col import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dW", hint="flip")


class Conv2D(Reference):
    def backward(self, dout):
        x, cols = self.x, self.cols
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        stride, padding = self.stride, self.padding
        H_out, W_out = dout.shape[2:]
        W_param, b_param = self.params["W"], self.params["b"]

        x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        g = dout[:, :, ::-1, ::-1]  # BUG: what convolve2d(x_pad, dout, 'valid') does to dout
        dW = np.zeros(W_param.shape)
        for p in range(KH):
            for q in range(KW):
                patch = x_pad[:, :, p:p + stride * H_out:stride, q:q + stride * W_out:stride]  # (N, C, H_out, W_out)
                dW[:, :, p, q] = np.einsum("nfij,ncij->fc", g, patch)
        self.grads["W"] = dW.astype(W_param.dtype)
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
