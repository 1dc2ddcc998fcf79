"""Ties are split evenly, but the number of tied maxima is counted over the whole array, not per window.

`share = mask / mask.sum()` without `axis=`: every window then passes on dout divided by the count of all maxima
of all windows (at least the number of windows), so dx shrinks as the batch grows.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="scale")


class MaxPool2D(Reference):
    def backward(self, dout):
        x, out = self.x, self.out
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = out.shape[2:]
        windows = np.lib.stride_tricks.sliding_window_view(x, (KH, KW), axis=(2, 3))[:, :, ::s, ::s][:, :, :H_out, :W_out]
        mask = windows == out[..., None, None]
        share = mask / mask.sum()  # BUG: count per window, mask.sum(axis=(-2, -1), keepdims=True)
        dx = np.zeros_like(x)
        for i in range(KH):
            for j in range(KW):
                dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += share[..., i, j] * dout
        return dx
