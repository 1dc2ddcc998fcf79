"""Naive MaxPool2D: plain loops over n, c, i, j, written independently of solutions/pool.py to cross-check it.

Ties go to the first maximum in row-major window order (np.argmax), like the reference.
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


class MaxPool2D:
    def __init__(self, kernel_size=2, stride=None):
        self.kernel_size = _kernel_pair(kernel_size)
        KH, KW = self.kernel_size
        if stride is None:
            if KH != KW:
                raise ValueError(
                    f"stride defaults to kernel_size, which needs a square kernel; "
                    f"give an int stride for kernel_size={kernel_size!r}"
                )
            stride = KH
        self.stride = _int_at_least("stride", stride, 1)
        self.params = {}
        self.grads = {}

    def __repr__(self):
        KH, KW = self.kernel_size
        return f"MaxPool2D(kernel={KH}x{KW}, stride={self.stride})"

    def forward(self, x):
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s = self.stride
        H_out = (H - KH) // s + 1
        W_out = (W - KW) // s + 1
        out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
        for n in range(N):
            for c in range(C):
                for i in range(H_out):
                    for j in range(W_out):
                        out[n, c, i, j] = x[n, c, i * s:i * s + KH, j * s:j * s + KW].max()
        self.x = x.copy()
        return out

    def backward(self, dout):
        x = self.x
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = dout.shape[2], dout.shape[3]
        dx = np.zeros(x.shape, dtype=x.dtype)
        for n in range(N):
            for c in range(C):
                for i in range(H_out):
                    for j in range(W_out):
                        window = x[n, c, i * s:i * s + KH, j * s:j * s + KW]
                        p, q = divmod(int(np.argmax(window)), KW)  # first maximum, row-major
                        dx[n, c, i * s + p, j * s + q] += dout[n, c, i, j]
        return dx
