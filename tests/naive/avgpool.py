"""Naive AvgPool2D: plain loops over n, c, i, j and the window's cells, written from the README contract
independently of solutions/avgpool.py to cross-check it.

Sums and the division by the window size are done in float64; out and dx come back in x's dtype.
"""

import numpy as np


def _int_at_least(name, value, minimum):
    kind = "a positive int" if minimum == 1 else f"an int >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be {kind}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    return int(value)


def _kernel_pair(kernel_size):
    message = f"kernel_size must be a positive int or a (KH, KW) pair, got {kernel_size!r}"
    if isinstance(kernel_size, (tuple, list)):
        if len(kernel_size) != 2:
            raise ValueError(message)
        pair = tuple(kernel_size)
    else:
        pair = (kernel_size, kernel_size)
    for value in pair:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(message)
        if value < 1:
            raise ValueError(message)
    return int(pair[0]), int(pair[1])


class AvgPool2D:
    def __init__(self, kernel_size=2, stride=None, *, global_pool=False):
        if not isinstance(global_pool, (bool, np.bool_)):
            raise TypeError(f"global_pool must be True or False, got {global_pool!r}")
        self.global_pool = bool(global_pool)
        self.kernel_size = _kernel_pair(kernel_size)
        KH, KW = self.kernel_size
        if stride is None:
            if KH != KW and not self.global_pool:
                raise ValueError(f"stride defaults to kernel_size, which needs a square kernel, got {kernel_size!r}")
            stride = KH
        self.stride = _int_at_least("stride", stride, 1)
        self.params = {}
        self.grads = {}

    def __repr__(self):
        if self.global_pool:
            return "AvgPool2D(global_pool=True)"
        KH, KW = self.kernel_size
        return f"AvgPool2D(kernel={KH}x{KW}, stride={self.stride})"

    def _window(self, H, W):
        """(KH, KW, stride) of the pooling: the whole image, stride 1, for the global pool."""
        if self.global_pool:
            return H, W, 1
        KH, KW = self.kernel_size
        return KH, KW, self.stride

    def forward(self, x):
        N, C, H, W = x.shape
        KH, KW, s = self._window(H, W)
        H_out = (H - KH) // s + 1
        W_out = (W - KW) // s + 1
        out = np.zeros((N, C, H_out, W_out))
        for n in range(N):
            for c in range(C):
                for i in range(H_out):
                    for j in range(W_out):
                        total = 0.0
                        for p in range(KH):
                            for q in range(KW):
                                total += float(x[n, c, i * s + p, j * s + q])
                        out[n, c, i, j] = total / (KH * KW)
        self.x_shape, self.x_dtype = x.shape, x.dtype
        if self.global_pool:
            out = out[:, :, 0, 0]
        return out.astype(x.dtype)

    def backward(self, dout):
        N, C, H, W = self.x_shape
        KH, KW, s = self._window(H, W)
        if self.global_pool:
            dout = dout[:, :, None, None]
        H_out, W_out = dout.shape[2], dout.shape[3]
        dx = np.zeros(self.x_shape)
        for n in range(N):
            for c in range(C):
                for i in range(H_out):
                    for j in range(W_out):
                        share = float(dout[n, c, i, j]) / (KH * KW)
                        for p in range(KH):
                            for q in range(KW):
                                dx[n, c, i * s + p, j * s + q] += share
        return dx.astype(self.x_dtype)
