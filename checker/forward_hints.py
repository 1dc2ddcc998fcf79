"""Why a forward output is wrong on a stored example: exact patterns that need no algorithm.

A stored example holds x, the parameters and the correct output, never an algorithm. These patterns compare
your output with the correct one alone: the correct values in another layout (a reshape where a transpose
belongs), or clipped at 0 (a running maximum started at 0). A spec adds its own exact counterfactuals through
its `forward_hint` (a convolution, say, splits exactly into smaller problems). Each is exact, so none can fire on
a correct forward.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from gradkit.checker.hints import Hint

EXACT = 1e-9  # relative to the largest expected entry, as the forward test compares


def same(a: Any, b: np.ndarray) -> bool:
    """Equal to b up to EXACT (relative to b's largest entry), with b's shape and finite."""
    if not isinstance(a, np.ndarray) or a.shape != b.shape or not np.all(np.isfinite(a)):
        return False
    return bool(np.abs(a - b).max(initial=0) <= EXACT * max(1.0, float(np.abs(b).max(initial=0))))


def layout(out: np.ndarray, expected: np.ndarray) -> Hint | None:
    """Your output holds exactly the right values, in other places: which axes were permuted, if one order fits.

    out, expected: the same shape, e.g. (N, F, Ho, Wo).
    """
    if out.shape != expected.shape or out.size < 2 or same(out, expected):
        return None
    if not same(np.sort(out, axis=None), np.sort(expected, axis=None)):
        return None
    for perm in itertools.permutations(range(expected.ndim)):
        if perm == tuple(range(expected.ndim)):
            continue
        if same(expected.transpose(perm).reshape(out.shape), out):
            names = "NFHW"[: expected.ndim] if expected.ndim == 4 else "".join(f"a{i}" for i in range(expected.ndim))
            order = ", ".join(names[p] if expected.ndim == 4 else f"axis {p}" for p in perm)
            inverse = tuple(int(i) for i in np.argsort(perm))
            return Hint("layout", f"your output holds exactly the right values in the wrong places: it is the correct "
                                  f"output laid out in the order ({order}) and then reshaped to {out.shape}; a reshape "
                                  f"never moves an axis: reshape to the order your product gives, then "
                                  f"transpose{inverse} (for a (N*Ho*Wo, F) product: reshape to (N, Ho, Wo, F), then "
                                  f"transpose(0, 3, 1, 2))")
    return Hint("layout", "your output holds exactly the right values in the wrong places: an axis order is mixed up "
                          "(a reshape where a transpose belongs)")


def clipped_at_zero(out: np.ndarray, expected: np.ndarray) -> Hint | None:
    """Your output is max(expected, 0): right wherever the true value is positive, 0 where it is negative."""
    if out.shape == expected.shape and np.any(expected < 0) and same(out, np.maximum(expected, 0.0)):
        return Hint("clip_zero", "your output is 0 exactly where the correct one is negative and right elsewhere: a "
                                 "running maximum that starts at 0 (np.zeros) never goes below 0; start it at -inf or "
                                 "at the window's first entry")
    return None
