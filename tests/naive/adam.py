"""Naive Adam: element-by-element loops, written from the README contract independently of solutions/adam.py.

The arithmetic of every entry is done in Python floats (float64); each parameter is written back in place, in its
own dtype.
"""

import math

import numpy as np


def _number(name, value, *, low, high=math.inf, low_inclusive=True):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    above_low = value >= low if low_inclusive else value > low
    if not (above_low and value < high):
        bracket = "[" if low_inclusive else "("
        raise ValueError(f"{name} must be in {bracket}{low:g}, {high:g}), got {value!r}")
    return value


def _keys(value):
    return sorted(value) if isinstance(value, dict) else type(value).__name__


class Adam:
    def __init__(self, layers, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        self.lr = _number("lr", lr, low=0.0, low_inclusive=False)
        self.beta1 = _number("beta1", beta1, low=0.0, high=1.0)
        self.beta2 = _number("beta2", beta2, low=0.0, high=1.0)
        self.eps = _number("eps", eps, low=0.0, low_inclusive=False)
        self.weight_decay = _number("weight_decay", weight_decay, low=0.0)
        self.layers = list(layers)
        self.t = 0
        self.m, self.v = [], []
        for i, layer in enumerate(self.layers):
            params, grads = getattr(layer, "params", {}), getattr(layer, "grads", {})
            if not isinstance(params, dict) or not isinstance(grads, dict) or params.keys() != grads.keys():
                raise ValueError(
                    f"layers[{i}] ({layer!r}) needs params and grads dicts with the same keys, "
                    f"got params {_keys(params)} and grads {_keys(grads)}"
                )
            self.m.append({k: np.zeros(w.shape) for k, w in params.items()})
            self.v.append({k: np.zeros(w.shape) for k, w in params.items()})

    def __repr__(self):
        return f"Adam(lr={self.lr:g}, {len(self.layers)} layers, t={self.t})"

    def step(self):
        self.t += 1
        for i, layer in enumerate(self.layers):
            for k in getattr(layer, "params", {}):  # a layer may have no params at all
                w, grad, m, v = layer.params[k], layer.grads[k], self.m[i][k], self.v[i][k]
                for index in np.ndindex(w.shape):
                    g = float(grad[index]) + self.weight_decay * float(w[index])
                    m[index] = self.beta1 * m[index] + (1 - self.beta1) * g
                    v[index] = self.beta2 * v[index] + (1 - self.beta2) * g * g
                    m_hat = m[index] / (1 - self.beta1**self.t)
                    v_hat = v[index] / (1 - self.beta2**self.t)
                    w[index] = float(w[index]) - self.lr * m_hat / (math.sqrt(v_hat) + self.eps)
