"""Reading an optimizer's running averages (Adam's m and v, SGD's velocity) off its own state, step by step.

The provided constructors keep that state where a check can see it (`self.m[i][k]`, `self.v[i][k]`,
`self.velocities[i][k]`). When the parameters come out wrong, the state says where: each new value is fitted as
a * old + b * (the fresh term) over a few steps, and the weights are compared with the contract's. Weights
swapped (m = 0.1 * m + 0.9 * g) or a missing factor (m = 0.9 * m + g) are named as such; averages that follow the
contract put the mistake in the move of w. State a student keeps elsewhere (a valid choice) says nothing: the
state must have changed from its zeros for any of this to be said.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from gradkit.checker.results import CheckFailure


class Average(NamedTuple):
    name: str  # "m", as the message names it
    fresh: str  # the term averaged in, "g" or "g * g"
    want: tuple[float, float]  # the contract's (weight of the old value, weight of the fresh term)
    weights: str  # the contract's rule, "beta1 * m + (1 - beta1) * g"


def read(owner: Any, attribute: str, layer: int, key: str, shape: tuple[int, ...]) -> np.ndarray | None:
    """A copy of owner.attribute[layer][key] (a list of dicts of arrays, as the provided constructor makes), or None
    where there is no such array (student code: whatever reading it raises means "nothing to read")."""
    try:
        value = getattr(owner, attribute)[layer][key]
    except Exception:  # noqa: BLE001 - a property or container of the student's may raise anything
        return None
    if not isinstance(value, np.ndarray) or value.shape != shape:
        return None
    return np.array(value, dtype=np.float64)


def record(make_optimizer: Callable[[], Any], step: Callable[[Any], None], fill: Callable[[], None],
           params: Callable[[], dict[str, np.ndarray]], grads: Callable[[], dict[str, np.ndarray]],
           states: Sequence[str], steps: int = 3) -> tuple[Any, dict[str, list[np.ndarray]]] | None:
    """Your optimizer over `steps` steps of new gradients (`fill`), watched on the first parameter of the first
    layer (`params`, `grads`): before each step its value "w" and gradient "grad", after it its "move" and a copy of
    each state attribute of `states` (optimizer.<name>[0][key]). None if the optimizer fails or a state cannot be
    read. Returns the optimizer too, for what else its state shows."""
    key = next(iter(params()))
    shape = params()[key].shape
    seen: dict[str, list[np.ndarray]] = {name: [] for name in ("w", "grad", "move", *states)}
    try:
        optimizer = make_optimizer()
        for _ in range(steps):
            fill()
            w = params()[key].copy()
            seen["w"].append(w)
            seen["grad"].append(grads()[key].copy())
            step(optimizer)
            seen["move"].append(params()[key] - w)
            for name in states:
                value = read(optimizer, name, 0, key, shape)
                if value is None:
                    return None
                seen[name].append(value)
    except CheckFailure:
        return None
    return optimizer, seen


def fitted(olds: list[np.ndarray], news: list[np.ndarray], fresh: list[np.ndarray]) -> tuple[float, float] | None:
    """(a, b) with new = a * old + b * fresh exactly at every step, or None when no such pair fits."""
    basis = np.stack([np.concatenate([o.ravel() for o in olds]), np.concatenate([f.ravel() for f in fresh])], axis=1)
    target = np.concatenate([n.ravel() for n in news])
    if not (np.all(np.isfinite(basis)) and np.all(np.isfinite(target))):
        return None  # NaN or inf in the state: no weights to read
    if basis.shape[0] < 3 or np.linalg.matrix_rank(basis) < 2:
        return None
    (a, b), *_ = np.linalg.lstsq(basis, target, rcond=None)
    scale = max(float(np.abs(target).max(initial=0)), 1e-12)
    if np.abs(basis @ np.array([a, b]) - target).max(initial=0) > 1e-9 * scale:
        return None
    return float(a), float(b)


def verdict(average: Average, olds: list[np.ndarray], news: list[np.ndarray], fresh: list[np.ndarray]) -> str | None:
    """What the steps say of one average: None if it follows the contract (or was never used), else a sentence."""
    if all(not n.any() for n in news):
        return None  # kept elsewhere (or never written): nothing to read here
    if not all(np.all(np.isfinite(n)) for n in news):
        return f"your {average.name} holds NaN or inf after a few steps: the contract's is {average.name} = {average.weights}"
    a, b = average.want
    if all(np.allclose(n, a * o + b * f, rtol=1e-9, atol=1e-12) for o, n, f in zip(olds, news, fresh)):
        return None
    found = fitted(olds, news, fresh)
    if found is None:
        return (f"your {average.name} is not a combination a * old {average.name} + b * {average.fresh} with the same "
                f"a and b at every step: the contract's is {average.name} = {average.weights}")
    mine_a, mine_b = found
    swapped = " (the two weights swapped)" if np.isclose(mine_a, b) and np.isclose(mine_b, a) else ""
    return (f"your {average.name} follows {_rule(average, mine_a, mine_b)}{swapped}; the contract's is "
            f"{average.name} = {average.weights} = {_rule(average, a, b).split(' = ', 1)[1]}")


def _rule(average: Average, a: float, b: float) -> str:
    """ "m = 0.9 * m - 0.1 * g" """
    return f"{average.name} = {a:.4g} * {average.name} {'-' if b < 0 else '+'} {abs(b):.4g} * {average.fresh}"
