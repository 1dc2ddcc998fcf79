"""Conv2D written with explicit loops over n, f, i, j in both passes (the way most students start).

Slow, but mathematically identical to the reference; the checker must give it full marks.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = None


class Conv2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        s, p = self.stride, self.padding
        H_out = (H + 2 * p - KH) // s + 1
        W_out = (W + 2 * p - KW) // s + 1
        x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        w = self.params["W"].astype(x.dtype)
        b = self.params["b"].astype(x.dtype)
        out = np.zeros((N, F, H_out, W_out), dtype=x.dtype)
        for n in range(N):
            for f in range(F):
                for i in range(H_out):
                    for j in range(W_out):
                        window = x_pad[n, :, i * s:i * s + KH, j * s:j * s + KW]
                        out[n, f, i, j] = np.sum(window * w[f]) + b[f]
        self.x_pad = x_pad
        self.x_shape = x.shape
        return out

    def backward(self, dout):
        N, C, H, W = self.x_shape
        F = self.out_channels
        KH, KW = self.kernel_size
        s, p = self.stride, self.padding
        H_out, W_out = dout.shape[2:]
        x_pad = self.x_pad
        w = self.params["W"].astype(x_pad.dtype)
        dW = np.zeros(self.params["W"].shape)
        db = np.zeros(self.params["b"].shape)
        dx_pad = np.zeros_like(x_pad)
        for n in range(N):
            for f in range(F):
                for i in range(H_out):
                    for j in range(W_out):
                        g = dout[n, f, i, j]
                        window = x_pad[n, :, i * s:i * s + KH, j * s:j * s + KW]
                        dW[f] += g * window
                        db[f] += g
                        dx_pad[n, :, i * s:i * s + KH, j * s:j * s + KW] += g * w[f]
        self.grads["W"] = dW
        self.grads["b"] = db
        return dx_pad[:, :, p:p + H, p:p + W]
