"""The output size leaves padding out: H_out = (H - KH) // stride + 1, although x is padded before the windows.

Right whenever padding is 0, so a network without padding trains; with padding the map comes out too small. The
backward here takes its sizes from dout and is right: only the forward's tests are charged (one mistake, one charge).
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="shape", hint="shape")


class Conv2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        F, _, KH, KW = self.params["W"].shape
        s, p = self.stride, self.padding
        H_out = (H - KH) // s + 1  # BUG: (H + 2 * p - KH) // s + 1
        W_out = (W - KW) // s + 1  # BUG: likewise
        x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        out = np.zeros((N, F, H_out, W_out), dtype=x.dtype)
        w = self.params["W"].astype(x.dtype, copy=False)
        for i in range(KH):
            for j in range(KW):
                window = x_pad[:, :, i:i + s * H_out:s, j:j + s * W_out:s]  # (N, C, H_out, W_out)
                out += np.einsum("nchw,fc->nfhw", window, w[:, :, i, j])
        out += self.params["b"].astype(x.dtype, copy=False)[None, :, None, None]
        self.x = x
        return out
