"""Naive SGDMomentum: element-by-element loops, written independently of solutions/sgd_momentum.py."""

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
    """The sorted keys of a dict, or the type name of anything else, for error messages."""
    return sorted(value) if isinstance(value, dict) else type(value).__name__


class SGDMomentum:
    def __init__(self, layers, lr=0.01, momentum=0.9, weight_decay=0.0):
        self.lr = _number("lr", lr, low=0.0, low_inclusive=False)
        self.momentum = _number("momentum", momentum, low=0.0, high=1.0)
        self.weight_decay = _number("weight_decay", weight_decay, low=0.0)
        self.layers = list(layers)
        self.velocities = []
        for i, layer in enumerate(self.layers):
            params, grads = getattr(layer, "params", {}), getattr(layer, "grads", {})
            if not isinstance(params, dict) or not isinstance(grads, dict) or params.keys() != grads.keys():
                raise ValueError(
                    f"layers[{i}] ({layer!r}) needs params and grads dicts with the same keys, "
                    f"got params {_keys(params)} and grads {_keys(grads)}"
                )
            self.velocities.append({k: np.zeros_like(w) for k, w in params.items()})

    def __repr__(self):
        return (
            f"SGDMomentum(lr={self.lr:g}, momentum={self.momentum:g}, weight_decay={self.weight_decay:g}, "
            f"{len(self.layers)} layers)"
        )

    def step(self):
        for i, layer in enumerate(self.layers):
            for k in getattr(layer, "params", {}):  # a layer may have no params at all
                w, g, v = layer.params[k], layer.grads[k], self.velocities[i][k]
                for index in np.ndindex(w.shape):
                    v[index] = self.momentum * v[index] - self.lr * (g[index] + self.weight_decay * w[index])
                    w[index] = w[index] + v[index]
