"""The output size is (H + 2*padding - KH) // stride, without the + 1.

The number of window positions is one more than the number of strides that fit. The student's loops then fill a map
one row and one column too small (or empty for a kernel as large as the padded input).
"""

import numpy as np

from tests.variants.conv_whole_batch_im2col import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="shape", hint="shape")


class Conv2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        stride, padding = self.stride, self.padding
        H_out = (H + 2 * padding - KH) // stride  # BUG: + 1
        W_out = (W + 2 * padding - KW) // stride  # BUG: + 1

        x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        w = self.params["W"].astype(x.dtype, copy=False)
        b = self.params["b"].astype(x.dtype, copy=False)
        out = np.zeros((N, F, H_out, W_out), dtype=x.dtype)
        cols = np.zeros((C * KH * KW, N * H_out * W_out), dtype=x.dtype)
        for n in range(N):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
                    cols[:, (n * H_out + i) * W_out + j] = window.ravel()
                    for f in range(F):
                        out[n, f, i, j] = np.sum(window * w[f]) + b[f]

        self.x, self.cols = x, cols
        return out
