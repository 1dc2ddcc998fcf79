"""Conv2D with one im2col matrix for the whole batch: the textbook (CS231n) layout, and the base of the catalogue.

The windows of every image go into one (C*KH*KW, N*H_out*W_out) matrix, so forward, dW and dcols are each a single
matrix product. It is the simplest fast version and scores full marks; the reference builds one image's matrix at a
time instead, which is faster on big batches but longer. The conv entries of the bug catalogue (tests/bugs/conv_*.py)
are written against this version: most read the ``self.cols`` it keeps.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from solutions.conv import Conv2D as Reference

EXPECT = None


class Conv2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        stride, padding = self.stride, self.padding
        H_out = (H + 2 * padding - KH) // stride + 1
        W_out = (W + 2 * padding - KW) // stride + 1

        x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        # windows[n, c, i, j, p, q] = x_pad[n, c, i*stride + p, j*stride + q], a view (no copy yet)
        windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, ::stride, ::stride]
        # im2col: row (c, p, q), column (n, i, j); the reshape makes the copy
        cols = windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * KH * KW, N * H_out * W_out)

        w = self.params["W"].astype(x.dtype, copy=False).reshape(F, C * KH * KW)
        b = self.params["b"].astype(x.dtype, copy=False)
        out = w @ cols + b[:, None]  # (F, N*H_out*W_out)

        self.x, self.cols = x, cols
        return out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)

    def backward(self, dout):
        x, cols = self.x, self.cols
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        stride, padding = self.stride, self.padding
        H_out, W_out = dout.shape[2:]

        dout_cols = dout.transpose(1, 0, 2, 3).reshape(F, N * H_out * W_out)  # same layout as forward's out
        W_param, b_param = self.params["W"], self.params["b"]
        self.grads["W"] = (dout_cols @ cols.T).reshape(W_param.shape).astype(W_param.dtype)
        self.grads["b"] = dout.sum(axis=(0, 2, 3)).astype(b_param.dtype)

        w = W_param.astype(x.dtype, copy=False).reshape(F, C * KH * KW)
        dcols = (w.T @ dout_cols).reshape(C, KH, KW, N, H_out, W_out)
        # col2im: kernel offset (p, q) touched x_pad[:, :, i*stride + p, j*stride + q] for every (i, j);
        # overlapping windows add up.
        dx_pad = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=x.dtype)
        for p in range(KH):
            for q in range(KW):
                rows = slice(p, p + stride * H_out, stride)
                columns = slice(q, q + stride * W_out, stride)
                dx_pad[:, :, rows, columns] += dcols[:, p, q].transpose(1, 0, 2, 3)
        return dx_pad[:, :, padding:padding + H, padding:padding + W]
