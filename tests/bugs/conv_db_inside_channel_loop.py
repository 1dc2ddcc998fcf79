"""db is C times too large (C input channels): each filter's bias gradient is added once per input channel, e.g.
`db[f] += ...` inside the loop over c; add it once per filter.

A loop over filters f and input channels c computes dW[f, c], and the student put `db[f] += ...` in the same inner
loop, so every bias gradient is added C times. Exact for one input channel, C times too large otherwise. Source:
bug-catalogue M2.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="db", hint="channels")


class Conv2D(Reference):
    def backward(self, dout):
        x = self.x
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        stride, padding = self.stride, self.padding
        H_out, W_out = dout.shape[2:]
        W_param, b_param = self.params["W"], self.params["b"]

        x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        w = W_param.astype(x.dtype)
        dW = np.zeros(W_param.shape)
        db = np.zeros(b_param.shape)
        dx_pad = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=x.dtype)
        for f in range(F):
            for c in range(C):
                db[f] += dout[:, f].sum()  # BUG: inside the channel loop, so added C times
                for i in range(H_out):
                    for j in range(W_out):
                        rows = slice(i * stride, i * stride + KH)
                        columns = slice(j * stride, j * stride + KW)
                        g = dout[:, f, i, j]  # (N,)
                        dW[f, c] += np.einsum("n,npq->pq", g, x_pad[:, c, rows, columns])
                        dx_pad[:, c, rows, columns] += g[:, None, None] * w[f, c]
        self.grads["W"] = dW
        self.grads["b"] = db
        return dx_pad[:, :, padding:padding + H, padding:padding + W]
