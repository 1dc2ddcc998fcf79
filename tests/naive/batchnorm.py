"""Naive BatchNorm2D: plain loops over each channel's M = N*H*W values, written from the README contract
independently of solutions/batchnorm.py to cross-check it.

backward follows the computation graph stage by stage (xhat, then var, then mean, as in the classic derivation),
not the reference's one-line form. Everything runs in float64; out and dx come back in x's dtype.
"""

import numpy as np


def _int_at_least(name, value, minimum):
    kind = "a positive int" if minimum == 1 else f"an int >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be {kind}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    return int(value)


def _number_in(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value!r}")
    return float(value)


def _cells(N, H, W):
    """Every (n, h, w) of one channel, in row-major order."""
    return [(n, h, w) for n in range(N) for h in range(H) for w in range(W)]


class BatchNorm2D:
    def __init__(self, num_features, momentum=0.1, eps=1e-5):
        self.num_features = _int_at_least("num_features", num_features, 1)
        self.momentum = _number_in("momentum", momentum, 0.0, 1.0)
        self.eps = _number_in("eps", eps, 0.0, np.inf)
        C = self.num_features
        self.params = {"gamma": np.ones(C), "beta": np.zeros(C)}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self.running_mean = np.zeros(C)
        self.running_var = np.ones(C)
        self.training = True

    def __repr__(self):
        return f"BatchNorm2D({self.num_features}, momentum={self.momentum}, eps={self.eps})"

    def train(self):
        self.training = True

    def eval(self):
        self.training = False

    def forward(self, x):
        N, C, H, W = x.shape
        cells = _cells(N, H, W)
        M = len(cells)
        if self.training and M < 2:
            raise ValueError(f"training mode needs at least 2 values per channel (N*H*W), got {M}")
        xd = x.astype(np.float64)
        mean, var = np.zeros(C), np.zeros(C)
        running_mean, running_var = self.running_mean.copy(), self.running_var.copy()
        for c in range(C):
            if self.training:
                mean[c] = sum(xd[n, c, h, w] for n, h, w in cells) / M
                squares = sum((xd[n, c, h, w] - mean[c]) ** 2 for n, h, w in cells)
                var[c] = squares / M
                running_mean[c] = (1 - self.momentum) * running_mean[c] + self.momentum * mean[c]
                running_var[c] = (1 - self.momentum) * running_var[c] + self.momentum * squares / (M - 1)
            else:
                mean[c], var[c] = self.running_mean[c], self.running_var[c]
        out = np.zeros(x.shape)
        xhat = np.zeros(x.shape)
        for c in range(C):
            for n, h, w in cells:
                xhat[n, c, h, w] = (xd[n, c, h, w] - mean[c]) / np.sqrt(var[c] + self.eps)
                out[n, c, h, w] = self.params["gamma"][c] * xhat[n, c, h, w] + self.params["beta"][c]
        self.running_mean, self.running_var = running_mean, running_var
        self.cache = (xd, mean, var, xhat, self.training, x.dtype)
        return out.astype(x.dtype)

    def backward(self, dout):
        xd, mean, var, xhat, trained, dtype = self.cache
        N, C, H, W = xd.shape
        cells = _cells(N, H, W)
        M = len(cells)
        gamma = self.params["gamma"]
        dx = np.zeros(xd.shape)
        dgamma, dbeta = np.zeros(C), np.zeros(C)
        for c in range(C):
            std = np.sqrt(var[c] + self.eps)
            dxhat = {(n, h, w): float(dout[n, c, h, w]) * gamma[c] for n, h, w in cells}
            for n, h, w in cells:
                dgamma[c] += float(dout[n, c, h, w]) * xhat[n, c, h, w]
                dbeta[c] += float(dout[n, c, h, w])
            if not trained:  # the statistics are constants: out is a fixed affine map of x
                for n, h, w in cells:
                    dx[n, c, h, w] = dxhat[n, h, w] / std
                continue
            # xhat = (x - mean) * (var + eps)**-1/2, var = sum((x - mean)**2) / M, mean = sum(x) / M
            dvar = sum(dxhat[n, h, w] * (xd[n, c, h, w] - mean[c]) for n, h, w in cells) * -0.5 * std**-3
            dmean = sum(-dxhat[cell] / std for cell in cells)
            dmean += dvar * sum(-2.0 * (xd[n, c, h, w] - mean[c]) for n, h, w in cells) / M
            for n, h, w in cells:
                dx[n, c, h, w] = (dxhat[n, h, w] / std + dvar * 2.0 * (xd[n, c, h, w] - mean[c]) / M + dmean / M)
        self.grads["gamma"], self.grads["beta"] = dgamma, dbeta
        return dx.astype(dtype)
