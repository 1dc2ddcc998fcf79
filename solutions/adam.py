"""Exercise: the Adam optimizer (adam.py, Adam), after sgd_momentum.py.

Adam (Kingma & Ba, 2015) gives every entry of every parameter its own step size. For each parameter array
``w`` (each ``layer.params[k]``) with gradient ``layer.grads[k]`` it keeps two running averages of the same
shape, ``m`` (of the gradient) and ``v`` (of the squared gradient), both starting at zero, and a step count
``t`` for the whole optimizer. One step:

    t = t + 1                                   (once per step: t is 1 at the first step)
    g = grad + weight_decay * w                 (L2 weight decay, added to the gradient)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)                  (bias correction)
    v_hat = v / (1 - beta2**t)
    w = w - lr * m_hat / (sqrt(v_hat) + eps)

Why the bias correction: ``m`` and ``v`` start at zero, so early on they are too small. After the first step
``m = (1 - beta1) * g``, and dividing by ``1 - beta1**1`` gives back exactly ``g``; likewise ``v_hat = g * g``.
So the first step moves every entry by ``lr * g / (|g| + eps)``: almost exactly ``lr`` against the sign of its
gradient, whatever the gradient's size. (With a constant gradient every later step does the same.)

Weight decay here is the L2 penalty ``weight_decay/2 * sum(w**2)``: its gradient ``weight_decay * w`` is
added to ``g`` *before* the averages, as ``torch.optim.Adam(weight_decay=...)`` does. This is not AdamW, which
decouples the decay from the averages (``w -= lr * weight_decay * w`` beside the Adam step).

What you write
--------------
``step()`` applies the update once to every parameter of every layer. The constructor, which is given,
already made the state: ``self.m[i][k]`` and ``self.v[i][k]`` (zeros) belong to ``self.layers[i].params[k]``,
and ``self.t = 0`` counts the steps taken.

Contract (the checker tests each point)
---------------------------------------
* ``step`` updates each ``layer.params[k]`` **in place** (the layer keeps the same array object).
* Each parameter has its own ``m`` and ``v``, carried from one step to the next; ``t`` is one count for the
  whole optimizer, advanced once per call of ``step``.
* ``step`` reads ``layer.grads[k]`` and ``self.lr`` as they are at that step (a backward may put a new
  array in ``grads[k]``, a schedule may change ``optimizer.lr``) and never writes into the gradients.
* Layers without parameters (ReLU, MaxPool2D, or no ``params`` attribute at all) are simply skipped.

Traps
-----
* ``t`` must be 1 at the first step: with ``t = 0``, ``1 - beta1**t`` is 0 and everything becomes NaN.
  Advance it once per step, not once per parameter.
* ``eps`` goes outside the square root: ``sqrt(v_hat) + eps``, not ``sqrt(v_hat + eps)``.
* ``v`` averages the *squared* gradient ``g * g``.
* Two layers both have a ``"W"``: keep state per layer and key, not per key.
* ``g = layer.grads[k]; g += ...`` writes into the layer's gradient: make a new array for ``g``.

Hints
-----
* ``zip(self.layers, self.m, self.v)`` pairs each layer with its state. In-place operators (``m *= ...``,
  ``w -= ...``) change an array without making a new one. Ours is 12 lines.

How to check
------------
``gradkit check adam`` (this exercise's checks, with a full diagnosis of any failure), in a course that
includes it; ``pytest`` or ``gradkit grade`` for your score.
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


class Adam:
    """Adam with bias correction and optional L2 weight decay (as ``torch.optim.Adam``, not AdamW).

    Parameters
    ----------
    layers : list
        The layers to train: objects with ``params`` and ``grads`` dicts holding arrays with the same keys
        and shapes. Layers without parameters (empty dicts, or no such attributes) are skipped.
    lr : float, default 1e-3
        The learning rate, > 0: about how far each entry moves per step.
    beta1 : float, default 0.9
        Decay of the gradient's running average ``m``, 0 <= beta1 < 1.
    beta2 : float, default 0.999
        Decay of the squared gradient's running average ``v``, 0 <= beta2 < 1.
    eps : float, default 1e-8
        Added to ``sqrt(v_hat)`` so the division stays defined, > 0.
    weight_decay : float, default 0.0
        The L2 penalty coefficient, >= 0: ``weight_decay * w`` is added to the gradient.

    Attributes
    ----------
    m, v : list of dict of ndarray
        ``m[i][k]`` and ``v[i][k]`` are the running averages of ``layers[i].params[k]``'s gradient and squared
        gradient: same shape and dtype, zeros at first.
    t : int
        The number of steps taken (0 before the first).
    """

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
            self.m.append({k: np.zeros_like(w) for k, w in params.items()})
            self.v.append({k: np.zeros_like(w) for k, w in params.items()})

    def __repr__(self):
        return (
            f"Adam(lr={self.lr:g}, beta1={self.beta1:g}, beta2={self.beta2:g}, eps={self.eps:g}, "
            f"weight_decay={self.weight_decay:g}, {len(self.layers)} layers, t={self.t})"
        )

    def step(self):
        """Take one Adam step: advance ``t``, then update every parameter of every layer once, in place.

        For each parameter ``w = layers[i].params[k]`` (any shape) with gradient ``layers[i].grads[k]`` (same
        shape) and state ``m = m[i][k]``, ``v = v[i][k]`` (same shape): ``g = grad + weight_decay * w``,
        ``m = beta1 * m + (1 - beta1) * g``, ``v = beta2 * v + (1 - beta2) * g * g``, then
        ``w -= lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)``; ``m``, ``v`` and ``w`` in place.
        Returns None.
        """
        ### BEGIN SOLUTION
        # hint: write Adam.step: advance self.t once, then update each m, v and parameter in place
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
        ### END SOLUTION
