"""Naive Linear: plain loops over n, m, written independently of solutions/linear.py to cross-check it."""

import numpy as np


def _int_at_least(name, value, minimum):
    kind = "a positive int" if minimum == 1 else f"an int >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be {kind}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    return int(value)


def _generator(rng):
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)) or None, got {rng!r}")
    return rng


class Linear:
    def __init__(self, in_features, out_features, *, rng=None):
        self.in_features = _int_at_least("in_features", in_features, 1)
        self.out_features = _int_at_least("out_features", out_features, 1)
        rng = _generator(rng)

        W = rng.normal(0.0, np.sqrt(2.0 / self.in_features), size=(self.in_features, self.out_features))
        self.params = {"W": W, "b": np.zeros(self.out_features)}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}

    def __repr__(self):
        return f"Linear({self.in_features}->{self.out_features})"

    def forward(self, x):
        N, D = x.shape
        M = self.out_features
        weight = self.params["W"].astype(x.dtype)
        bias = self.params["b"].astype(x.dtype)
        out = np.zeros((N, M), dtype=x.dtype)
        for n in range(N):
            for m in range(M):
                out[n, m] = bias[m] + np.sum(x[n, :] * weight[:, m])
        self.x = x.copy()
        return out

    def backward(self, dout):
        x = self.x
        N, D = x.shape
        M = self.out_features
        weight = self.params["W"].astype(x.dtype)
        dx = np.zeros((N, D), dtype=x.dtype)
        dW = np.zeros((D, M), dtype=x.dtype)
        db = np.zeros(M, dtype=x.dtype)
        for n in range(N):
            for m in range(M):
                g = dout[n, m]
                db[m] += g
                dW[:, m] += g * x[n, :]
                dx[n, :] += g * weight[:, m]
        self.grads["W"] = dW.astype(self.params["W"].dtype)
        self.grads["b"] = db.astype(self.params["b"].dtype)
        return dx
