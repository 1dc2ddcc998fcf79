"""Backward pads x again with `np.pad(x, padding)`, which pads all four axes (images and channels too); pad only H
and W.

Forward pads correctly; backward rebuilds the windows for dW from `np.pad(self.x, p)`, which adds p zeros on both
sides of every axis: N + 2p images and C + 2p channels that no longer line up with W, so backward raises as soon as
padding > 0. Without padding it is right, which is how it survives the first tests. The fix is
`np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))`.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tests.variants.conv_whole_batch_im2col import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dW", hint="border")


class Conv2D(Reference):
    def backward(self, dout):
        x = self.x
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        stride, padding = self.stride, self.padding
        H_out, W_out = dout.shape[2:]
        x_pad = np.pad(x, padding)  # BUG: pads N and C as well
        windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :H_out, :W_out]
        # windows: (N + 2p, C + 2p, H_out, W_out, KH, KW), summed against dout (N, F, H_out, W_out)
        dW = np.einsum("nfij,ncijpq->fcpq", dout, windows)
        dx = super().backward(dout)
        self.grads["W"] = dW.astype(self.params["W"].dtype)
        return dx
