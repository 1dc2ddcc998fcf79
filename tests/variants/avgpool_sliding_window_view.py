"""Average pool through `np.lib.stride_tricks.sliding_window_view`, backward with `np.add.at`, and the global pool
as a reshape to (N, C, H*W).

sliding_window_view gives every KH x KW window at stride 1 as a view; every stride-th of them are the pool's
windows. Backward scatters dout / (KH*KW) into the cells of each window with np.add.at, which adds where windows
overlap. A different layout and different rounding, the same layer.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = None


class AvgPool2D(Reference):
    def forward(self, x):
        self.x_shape, self.x_dtype = x.shape, x.dtype
        N, C, H, W = x.shape
        if self.global_pool:
            return x.reshape(N, C, H * W).mean(axis=2)
        KH, KW = self.kernel_size
        s = self.stride
        windows = np.lib.stride_tricks.sliding_window_view(x, (KH, KW), axis=(2, 3))[:, :, ::s, ::s]
        return windows.mean(axis=(4, 5))

    def backward(self, dout):
        N, C, H, W = self.x_shape
        if self.global_pool:
            return np.repeat(dout.reshape(N, C, 1) / (H * W), H * W, axis=2).reshape(self.x_shape).astype(self.x_dtype)
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = dout.shape[2:]
        rows = (np.arange(H_out)[:, None] * s + np.arange(KH)[None, :])  # (H_out, KH): the rows of each window
        cols = (np.arange(W_out)[:, None] * s + np.arange(KW)[None, :])  # (W_out, KW)
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        share = np.broadcast_to((dout / (KH * KW))[:, :, :, None, :, None], (N, C, H_out, KH, W_out, KW))
        np.add.at(dx, (slice(None), slice(None), rows[:, :, None, None], cols[None, None, :, :]), share)
        return dx
