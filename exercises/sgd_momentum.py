# Generated from solutions/sgd_momentum.py by `gradkit make-stubs` (stub 59421207b7354725). Students: write your code in this file.
# Maintainers: edit solutions/sgd_momentum.py instead and regenerate; `gradkit make-stubs --check` finds drift.
"""Exercise 6/6: stochastic gradient descent with momentum (sgd_momentum.py, SGDMomentum).

After each backward pass, the optimiser moves every parameter array ``w`` (each ``layer.params[k]``) using
its gradient ``g`` (``layer.grads[k]``) and a velocity ``v`` of the same shape, kept between steps:

    v = momentum * v - lr * (g + weight_decay * w)
    w = w + v

Every velocity starts at zero. With ``momentum = 0`` this is plain gradient descent; ``weight_decay`` adds
the gradient of the L2 penalty ``weight_decay/2 * sum(w**2)``.

What you write
--------------
``step()`` applies the update once to every parameter of every layer. The constructor, which is given,
already made one zero velocity per parameter: ``self.velocities[i][k]`` belongs to
``self.layers[i].params[k]``.

Contract (the checker tests each point)
---------------------------------------
* ``step`` updates each ``layer.params[k]`` **in place**: the layer must keep the same array object, because
  other code (and the layer itself) holds references to it. ``w = w + v`` would only rebind a local name.
* Each parameter has its own velocity, carried from one step to the next.
* ``step`` reads ``layer.grads[k]`` and never writes into it.
* Layers without parameters (ReLU, MaxPool2D) are simply skipped.

Traps
-----
* The sign: ``v`` accumulates *minus* the gradient, and ``w`` moves by ``+ v``.
* Weight decay acts on the weights ``w``, inside the bracket multiplied by ``lr``.
* ``params[k] = params[k] + v`` replaces the array in the dict; ``params[k] += v`` updates it in place.

Hints
-----
* ``zip(self.layers, self.velocities)`` pairs each layer with its velocities.
* In-place operators (``v *= ...``, ``w += ...``) change an array without making a new one. Ours is 6 lines.

How to check
------------
``gradkit check sgd_momentum`` (this exercise's checks, with a full diagnosis of any failure); ``pytest`` or
``gradkit grade`` for your score on all six.
"""

import math

import numpy as np


def _number(name, value, *, low, high=math.inf, low_inclusive=True):
    """Return value as a float, or raise an error naming the argument if it is not in the allowed range."""
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
    """Stochastic gradient descent with (heavy-ball) momentum and optional L2 weight decay.

    Parameters
    ----------
    layers : list
        The layers to train: objects with ``params`` and ``grads`` dicts holding arrays with the same keys
        and shapes. Layers without parameters (empty dicts, or no such attributes) are skipped.
    lr : float, default 0.01
        The learning rate, > 0.
    momentum : float, default 0.9
        How much of the previous velocity is kept, 0 <= momentum < 1.
    weight_decay : float, default 0.0
        The L2 penalty coefficient, >= 0.

    Attributes
    ----------
    velocities : list of dict of ndarray
        ``velocities[i][k]`` is the velocity of ``layers[i].params[k]``: same shape and dtype, zeros at first.
    """

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
        """Update every parameter of every layer once, in place, from its current gradient.

        For each parameter ``w = layers[i].params[k]`` with gradient ``g = layers[i].grads[k]`` and velocity
        ``v = velocities[i][k]``: ``v = momentum * v - lr * (g + weight_decay * w)``, then ``w = w + v``,
        both in place. Returns None.
        """
        raise NotImplementedError("write SGDMomentum.step: update each velocity, then its parameter, both in place")
