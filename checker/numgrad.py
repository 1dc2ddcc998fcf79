"""Full numerical gradients, computed only after a check failed (the shrunk cases are tiny).

`numerical_gradient` perturbs every entry of one tensor (2 forward passes each) and masks the
entries whose step crossed a kink. `probe` sends a gradient of 1 from a single output position,
through your backward and through finite differences, so the two windows can be compared.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

H = 1e-5


def numerical_gradient(loss_at: Callable[[np.ndarray], float], shape: tuple[int, ...], h: float = H) -> np.ndarray:
    """d loss / d p for every entry of a tensor of `shape`; `loss_at(delta)` evaluates the loss at p + delta."""
    grad = np.zeros(shape)
    delta = np.zeros(shape)
    for index in np.ndindex(*shape):
        delta[index] = h
        plus = loss_at(delta)
        delta[index] = -h
        minus = loss_at(delta)
        delta[index] = 0.0
        grad[index] = (plus - minus) / (2 * h)
    return grad


def layer_loss(forward: Callable[[np.ndarray, dict[str, np.ndarray]], np.ndarray], x: np.ndarray,
               params: dict[str, np.ndarray], dout: np.ndarray, tensor: str) -> Callable[[np.ndarray], float]:
    """loss(delta) = <dout, forward(x, params)> with `tensor` ("x" or a params key) moved by delta."""

    def loss_at(delta: np.ndarray) -> float:
        if tensor == "x":
            return float(np.sum(dout * forward(x + delta, params)))
        moved = dict(params)
        moved[tensor] = params[tensor] + delta
        return float(np.sum(dout * forward(x, moved)))

    return loss_at


def probe_position(out_shape: tuple[int, ...]) -> tuple[int, ...]:
    """The output position a probe sends its gradient from: the last image and filter, a central pixel."""
    return tuple(s - 1 if axis < 2 else s // 2 for axis, s in enumerate(out_shape))
