"""Naive Conv2D: plain loops over n, f, i, j, written independently of solutions/conv.py to cross-check it.

Part of a complete submission folder (tests/naive/), never released to students.
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


def _generator(rng):
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)) or None, got {rng!r}")
    return rng


class Conv2D:
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, *, rng=None):
        self.in_channels = _int_at_least("in_channels", in_channels, 1)
        self.out_channels = _int_at_least("out_channels", out_channels, 1)
        self.kernel_size = _kernel_pair(kernel_size)
        self.stride = _int_at_least("stride", stride, 1)
        self.padding = _int_at_least("padding", padding, 0)
        rng = _generator(rng)

        KH, KW = self.kernel_size
        fan_in = self.in_channels * KH * KW
        W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(self.out_channels, self.in_channels, KH, KW))
        self.params = {"W": W, "b": np.zeros(self.out_channels)}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}

    def __repr__(self):
        KH, KW = self.kernel_size
        return (
            f"Conv2D({self.in_channels}->{self.out_channels}, kernel={KH}x{KW}, "
            f"stride={self.stride}, padding={self.padding})"
        )

    def forward(self, x):
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        s, pad = self.stride, self.padding
        H_out = (H + 2 * pad - KH) // s + 1
        W_out = (W + 2 * pad - KW) // s + 1
        x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=x.dtype)
        x_pad[:, :, pad:pad + H, pad:pad + W] = x
        weight = self.params["W"].astype(x.dtype)
        bias = self.params["b"].astype(x.dtype)

        out = np.zeros((N, F, H_out, W_out), dtype=x.dtype)
        for n in range(N):
            for f in range(F):
                for i in range(H_out):
                    for j in range(W_out):
                        window = x_pad[n, :, i * s:i * s + KH, j * s:j * s + KW]
                        out[n, f, i, j] = np.sum(window * weight[f]) + bias[f]
        self.x = x.copy()
        self.x_pad = x_pad
        return out

    def backward(self, dout):
        x, x_pad = self.x, self.x_pad
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        s, pad = self.stride, self.padding
        H_out, W_out = dout.shape[2], dout.shape[3]
        weight = self.params["W"].astype(x.dtype)

        dx_pad = np.zeros(x_pad.shape, dtype=x.dtype)
        dW = np.zeros(self.params["W"].shape, dtype=x.dtype)
        db = np.zeros(F, dtype=x.dtype)
        for n in range(N):
            for f in range(F):
                for i in range(H_out):
                    for j in range(W_out):
                        g = dout[n, f, i, j]
                        db[f] += g
                        dW[f] += g * x_pad[n, :, i * s:i * s + KH, j * s:j * s + KW]
                        dx_pad[n, :, i * s:i * s + KH, j * s:j * s + KW] += g * weight[f]
        self.grads["W"] = dW.astype(self.params["W"].dtype)
        self.grads["b"] = db.astype(self.params["b"].dtype)
        return dx_pad[:, :, pad:pad + H, pad:pad + W].copy()
