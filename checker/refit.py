"""Naming an optimizer's mistake by the one hyperparameter value that would explain it.

When no known variant reproduces a student's parameters, the next question is: is there a value of lr (or
momentum, beta1, weight_decay, ...) for which the contract's own update gives exactly those parameters? Then the
mistake lies in how that hyperparameter enters the update: weight decay counted twice fits weight_decay = 2 x the
given value, a step without lr fits lr = 1, a momentum written as 1 - momentum fits that value. The fitted value
is checked on every parameter and every step, and then on a second run of the optimizer, before it is named, so
the message states a fact about the code (one value fitted to one short run could absorb any wrong step size).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

Weights = list[dict[str, np.ndarray]]  # one dict of parameters per layer


class Refit(NamedTuple):
    name: str  # the hyperparameter, as the contract spells it
    given: float  # the value the optimizer was built with
    fitted: float  # the value that reproduces the student's parameters
    default: float | None = None  # the constructor's default for it
    others: tuple[tuple[str, float], ...] = ()  # every hyperparameter's given value, to read the fitted one by

    def __str__(self) -> str:
        relation = _relation(self.fitted, {**dict(self.others), self.name: self.given}, self.name)
        if self.default and self.fitted == self.default:
            relation = f" (the default value: a number written where self.{self.name} belongs?)"
        return (f"your parameters moved exactly as the contract's update would with {self.name} = "
                f"{self.fitted:.6g} in place of {self.given:g}{relation}: look at every place {self.name} enters "
                f"your update")


def refitted(simulate: Callable[[dict[str, float]], Weights | None], given: dict[str, float],
             names: Sequence[str], observed: Weights, matches: Callable[[Weights, Weights], bool],
             defaults: dict[str, float] | None = None,
             confirm: Callable[[dict[str, float]], bool] | None = None) -> Refit | None:
    """The first hyperparameter of `names` whose refitted value makes `simulate` reproduce `observed`, or None.

    simulate: the contract's trajectory for the hyperparameters `given` with some of them replaced (None where
        the values make no sense); observed: the student's parameters after the same steps; matches(simulated,
        observed): the test's own tolerance; defaults: the constructor's defaults, named when one is fitted;
        confirm({name: value}): whether the optimizer moves as the contract would with that value on another run
        too (a few steps of a short case can fit a wrong step size with lr alone, whatever the mistake).
    """
    expected = simulate({})
    if expected is None:
        return None
    layer, key, index = _worst_entry(expected, observed)
    if layer is None:
        return None
    target = float(observed[layer][key][index])

    def entry(name: str, value: float) -> float | None:
        weights = simulate({name: value})
        if weights is None or weights[layer][key].shape != observed[layer][key].shape:
            return None
        found = float(weights[layer][key][index])
        return found if np.isfinite(found) else None

    for name in names:
        default = (defaults or {}).get(name)
        for value in solved(lambda v, name=name: entry(name, v), target, given[name]):
            if np.isclose(value, given[name], rtol=1e-9, atol=1e-15):
                continue
            for plain in _plain_values(value, given[name], default):  # a round number the fit only came close to
                weights = simulate({name: plain})
                if weights is not None and matches(weights, observed) and (confirm is None or confirm({name: plain})):
                    return Refit(name, given[name], plain, default, tuple(
                        (other, float(value)) for other, value in given.items() if isinstance(value, float)))
    return None


def _plain_values(value: float, given: float, default: float | None) -> list[float]:
    """Round values near the fitted `value` (the default, 0, 1, a simple multiple of `given`), then `value`."""
    near = [default, 0.0, 1.0, 1.0 - given]
    if given:
        near.append(given * float(Fraction(value / given).limit_denominator(12)))
    return [v for v in near if v is not None and np.isclose(value, v, rtol=1e-3, atol=1e-12)] + [value]


def _worst_entry(expected: Weights, observed: Weights) -> tuple[Any, str, tuple[int, ...]]:
    """Where `observed` is furthest from `expected`: (layer, key, index), or (None, "", ()) if nowhere."""
    worst, where = 0.0, (None, "", ())
    for i, (want, mine) in enumerate(zip(expected, observed)):
        for k in want:
            if k not in mine or np.shape(mine[k]) != want[k].shape or not want[k].size:
                continue
            gap = np.abs(np.asarray(mine[k], dtype=float) - want[k])
            if not np.all(np.isfinite(gap)):
                continue
            index = np.unravel_index(int(np.argmax(gap)), gap.shape)
            if gap[index] > worst:
                worst, where = float(gap[index]), (i, k, tuple(int(j) for j in index))
    return where


def solved(f: Callable[[float], float | None], target: float, start: float) -> list[float]:
    """Roots of f(v) = target near `start`: by the secant method (exact in one step where f is linear in v), then
    by bisection in each bracket of a logarithmic grid around `start` (where the secant overshoots)."""
    roots = []
    a, b = start, (start * 1.5 if start else 0.1)
    fa, fb = f(a), f(b)
    for _ in range(40):
        if fa is None or fb is None or fa == fb:
            break
        a, b, fa = b, b - (fb - target) * (b - a) / (fb - fa), fb
        fb = f(b)
        if fb is not None and abs(fb - target) <= 1e-13 * max(1.0, abs(target)):
            roots.append(b)
            break
    scale = abs(start) or 1.0
    grid = sorted({0.0, *(sign * scale * 10.0**k for k in range(-12, 3) for sign in (1, -1))})
    values = [f(v) for v in grid]
    roots += [v for v, f_v in zip(grid, values) if f_v is not None and abs(f_v - target) <= 1e-13 * max(1.0, abs(target))]
    for (lo, f_lo), (hi, f_hi) in zip(zip(grid, values), zip(grid[1:], values[1:])):
        if f_lo is not None and f_hi is not None and (f_lo - target) * (f_hi - target) < 0:
            root = _bisected(f, target, lo, hi, f_lo)
            if root is not None:
                roots.append(root)
    return roots


def _bisected(f: Callable[[float], float | None], target: float, lo: float, hi: float, f_lo: float) -> float | None:
    """The root of f(v) = target in [lo, hi], where f - target changes sign (None if f breaks on the way)."""
    for _ in range(80):
        middle = (lo + hi) / 2
        f_middle = f(middle)
        if f_middle is None:
            return None
        if (f_middle - target) * (f_lo - target) > 0:
            lo, f_lo = middle, f_middle
        else:
            hi = middle
    return (lo + hi) / 2


def _relation(fitted: float, given: dict[str, float], name: str) -> str:
    """Readings of the fitted value next to the given ones, " (2 x the given value)", " (1 - momentum)", all that
    fit joined with "or" (lr = weight_decay = 0.01 makes weight_decay * lr and weight_decay squared alike)."""
    value = given[name]
    if abs(fitted) < 1e-12:
        return f" ({name} left out)"
    if abs(fitted - 1) < 1e-12 and value != 1:
        return f" (as if nothing were multiplied by {name})"
    close = lambda a, b: abs(a - b) <= 1e-9 * max(abs(a), abs(b))  # noqa: E731
    readings = [f"1 - {name}"] if close(fitted, 1 - value) else []
    readings += [f"{name} squared"] if close(fitted, value**2) else []
    readings += [f"{name} x {other}" for other, factor in given.items()
                 if other != name and factor not in (0, 1) and close(fitted, value * factor)]
    readings += [f"{name} / {other}" for other, factor in given.items()
                 if other != name and factor not in (0, 1) and close(fitted, value / factor)]
    if value and not readings:
        ratio = Fraction(fitted / value).limit_denominator(12)
        simple = ratio.numerator in (1, -1) or ratio.denominator == 1
        if simple and close(float(ratio), fitted / value):
            readings.append("the opposite sign" if ratio == -1 else f"{ratio} x the given value")
    return f" ({', or '.join(readings)})" if readings else ""
