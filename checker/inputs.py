"""Input values for the checks, drawn from a `numpy.random.Generator` (hypothesis only draws shapes and a seed).

Finite differences give false alarms at kinks (ReLU at 0) and ties (two maxima in a pooling
window). `distinct` keeps every value away from both, with a gap far larger than the step h.
"""

from __future__ import annotations

import numpy as np


def gaussian(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0) -> np.ndarray:
    """Standard normal float64 values times `scale`."""
    return scale * rng.standard_normal(shape)


def distinct(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Pairwise-distinct float64 values, none of them zero: a shuffled grid in about [-3, 3].

    The grid step is min(0.1, 6 / n) but never below 1e-3, far larger than the finite-difference
    step (1e-5), so no check crosses a ReLU kink or swaps two pooling maxima.
    """
    n = int(np.prod(shape))
    gap = max(min(0.1, 6.0 / max(n, 1)), 1e-3)
    grid = (np.arange(n) - n // 2 + 0.5) * gap
    return rng.permutation(grid).reshape(shape)


def with_ties(rng: np.random.Generator, shape: tuple[int, ...], levels: int = 3) -> np.ndarray:
    """Small integers as float64: most pooling windows hold tied maxima."""
    return rng.integers(0, levels, size=shape).astype(np.float64)


def unit_direction(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """A Gaussian direction of norm 1."""
    u = rng.standard_normal(shape)
    return u / np.linalg.norm(u)


def labels(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """`n` integer class labels in [0, k)."""
    return rng.integers(0, k, size=n)
