"""dx spreads each output's gradient with the kernel mirrored (rotated by 180 degrees): written as a full convolution
of dout the kernel must be rotated (W[:, :, ::-1, ::-1]), written as a scatter (dx_pad[window] += dout * W[f]) it
must not be; here it is the other way round.

Here dx is a full convolution of dout with the kernel not rotated: the student dilates dout by the stride, pads it by K - 1 and slides W over it (a correlation). The textbook formula
slides the *rotated* kernel W[:, :, ::-1, ::-1]; without it every output's gradient is spread with a mirrored
window. Mirrors the `flip` mutant of the research note (gradcheck.md, 3.1).
"""

import numpy as np

from tests.variants.conv_whole_batch_im2col import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dx", hint="flip")


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

        # dx = full convolution of dout (dilated by the stride) with the kernel
        dilated = np.zeros((N, F, (H_out - 1) * stride + 1, (W_out - 1) * stride + 1), dtype=x.dtype)
        dilated[:, :, ::stride, ::stride] = dout
        full = np.pad(dilated, ((0, 0), (0, 0), (KH - 1, KH - 1), (KW - 1, KW - 1)))
        kernel = W_param.astype(x.dtype)  # BUG: a convolution needs W_param[:, :, ::-1, ::-1]
        dx_pad = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=x.dtype)
        for i in range(full.shape[2] - KH + 1):
            for j in range(full.shape[3] - KW + 1):
                window = full[:, :, i:i + KH, j:j + KW]  # (N, F, KH, KW)
                dx_pad[:, :, i, j] = np.einsum("nfpq,fcpq->nc", window, kernel)
        return dx_pad[:, :, padding:padding + H, padding:padding + W]
