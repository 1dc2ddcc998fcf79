"""Checks of SoftmaxCrossEntropy that are not finite differences: the returned types, stability
for huge scores, shift invariance, and rows of dscores that sum to zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradkit.checker import inputs
from gradkit.checker.cases import SoftmaxCase
from gradkit.checker.contract import require_array, require_dtype, require_finite, require_shape, require_unchanged
from gradkit.checker.guard import call, construct
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure, remembers_case

HUGE = 1e4


def make_scores(case: SoftmaxCase, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Scores ~ N(0, 4) of shape (N, K) and integer labels (N,)."""
    return inputs.gaussian(rng, (case.N, case.K), scale=2.0), inputs.labels(rng, case.N, case.K)


def true_loss(scores: np.ndarray, y: np.ndarray) -> float:
    """The contract's loss, mean_n -log softmax(scores)[n, y[n]], in float64 (what the README states in words).

    The gradient test differentiates this, not your forward: a loss with a harmless epsilon in its log,
    or a wrong loss, then never makes a correct dscores look wrong.
    """
    s = scores.astype(np.float64)
    shifted = s - s.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1))
    return float(np.mean(log_norm - shifted[np.arange(len(y)), y]))


# A loss computed as -log(p + eps), or with p clipped below at eps, is correct code: common, and harmless for
# eps up to this. It is smaller than the exact loss by about eps / p per row.
LOG_EPSILON = 1e-6


def loss_is_right(loss: float, scores: np.ndarray, y: np.ndarray, rtol: float = 1e-6) -> bool:
    """Whether `loss` is the true loss, or the true loss with an epsilon of at most LOG_EPSILON in its log."""
    exact = true_loss(scores, y)
    s = scores.astype(np.float64)
    probs = np.exp(s - s.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    lowest = float(np.mean(-np.log(probs[np.arange(len(y)), y] + LOG_EPSILON)))
    slack = rtol * max(1.0, abs(exact))
    return lowest - slack <= loss <= exact + slack


def checked_loss(loss_fn: Any, scores: np.ndarray, y: np.ndarray, keep_input: bool = False) -> float:
    """`forward(scores, y)` on copies: a finite Python float; with `keep_input` (the contract test), inputs
    unchanged too (other tests never reuse the copies, so a mutation is charged once)."""
    label = "SoftmaxCrossEntropy.forward"
    given_scores, given_y = scores.copy(), y.copy()
    loss = call(loss_fn, "forward", given_scores, given_y)
    if keep_input:
        require_unchanged(scores, given_scores, label, "scores")
        require_unchanged(y, given_y, label, "y")
    if isinstance(loss, np.ndarray):
        raise CheckFailure(
            f"{label} returned an array of shape {loss.shape}; it must return the mean loss as a Python float "
            "(`return float(loss)`)", tensor="loss", hint="dtype",
        )
    if not isinstance(loss, float):
        raise CheckFailure(f"{label} returned a {type(loss).__name__}; it must return the mean loss as a Python "
                           "float (`return float(loss)`)", tensor="loss", hint="dtype")
    if not np.isfinite(loss):
        raise CheckFailure(f"{label} returned {loss} (not finite): subtract each row's maximum before exp "
                           "(softmax is unchanged by a shift) and use log-sum-exp", tensor="loss")
    return float(loss)


def checked_dscores(loss_fn: Any, scores: np.ndarray) -> np.ndarray:
    label = "SoftmaxCrossEntropy.backward"
    dscores = require_array(call(loss_fn, "backward"), label, "dscores")
    require_shape(dscores, scores.shape, label, f"the shape of scores, {scores.shape}")
    require_dtype(dscores, scores.dtype, label, "dscores")
    require_finite(dscores, label, "dscores")
    return dscores.copy()


@remembers_case
def check_contract(impl: Implementation, case: SoftmaxCase) -> None:
    """Types, shapes, dtypes (float64 and float32), no mutation, the same result twice."""
    rng = np.random.default_rng(case.seed)
    scores, y = make_scores(case, rng)
    for dtype in (np.float64, np.float32):
        loss_fn = construct(impl.SoftmaxCrossEntropy)
        checked_loss(loss_fn, scores.astype(dtype), y, keep_input=True)
        for name in ("params", "grads"):  # as every layer has (the provided constructor makes them)
            value = getattr(loss_fn, name, None)
            if not isinstance(value, dict) or value:
                raise CheckFailure(f"SoftmaxCrossEntropy.{name} must stay the empty dict the provided constructor "
                                   f"makes; got {type(value).__name__ if not isinstance(value, dict) else sorted(value)}",
                                   tensor="params")
        first = checked_dscores(loss_fn, scores.astype(dtype))
        again = checked_dscores(loss_fn, scores.astype(dtype))
        if not np.array_equal(first, again):
            raise CheckFailure("SoftmaxCrossEntropy.backward gave a different dscores when called twice; it must "
                               "depend only on what forward cached, so never write into the cache (work on a copy)",
                               tensor="dscores", hint="mutation")


@remembers_case
def check_rows_sum_to_zero(impl: Implementation, case: SoftmaxCase) -> None:
    """Each row of dscores is (softmax - one_hot) / N, so it sums to 0 and the label's entry is negative."""
    rng = np.random.default_rng(case.seed)
    scores, y = make_scores(case, rng)
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    checked_loss(loss_fn, scores, y)
    dscores = checked_dscores(loss_fn, scores)
    sums = dscores.sum(axis=1)
    worst = int(np.argmax(np.abs(sums)))
    if abs(sums[worst]) > 1e-9 * max(np.abs(dscores).max(), 1e-12):
        raise CheckFailure(
            f"row {worst} of dscores sums to {sums[worst]:.3g}; every row must sum to 0 "
            "(probabilities sum to 1, minus the one-hot label)\n"
            f"  case: {case}", tensor="dscores", hint="rows_not_zero",
        )
    rows = np.arange(case.N)
    if np.any(dscores[rows, y] >= 0):
        n = int(np.argmax(dscores[rows, y] >= 0))
        raise CheckFailure(
            f"dscores[{n}, y[{n}]={y[n]}] = {dscores[n, y[n]]:.3g} is not negative; raising the right class's "
            "score must lower the loss (a sign error?)", tensor="dscores", hint="sign",
        )


@remembers_case
def check_huge_scores(impl: Implementation, case: SoftmaxCase) -> None:
    """Scores of about 1e4 (exp overflows) give a finite loss, and shifting every score by 1e4 changes nothing."""
    rng = np.random.default_rng(case.seed)
    scores, y = make_scores(case, rng)
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    base = checked_loss(loss_fn, scores, y)
    d_base = checked_dscores(loss_fn, scores)
    try:
        checked_loss(loss_fn, scores * HUGE, y)
        checked_dscores(loss_fn, scores * HUGE)
        shifted = checked_loss(loss_fn, scores + HUGE, y)
        d_shifted = checked_dscores(loss_fn, scores + HUGE)
    except CheckFailure as failure:
        raise CheckFailure(
            f"with scores of about 1e4: {failure}\n  hint: exp(1e4) overflows to inf, and after a shift by anything "
            "but each row's own maximum a whole row of exp can underflow to 0; subtract each row's maximum "
            "score first (softmax does not change) and compute log-softmax as shifted - log(sum(exp(shifted)))",
            tensor="loss", hint="overflow",
        ) from None
    if abs(shifted - base) > 1e-6 * max(1.0, abs(base)):
        raise CheckFailure(
            f"adding 1e4 to every score changed the loss from {base:.10g} to {shifted:.10g}; softmax is unchanged by "
            "a shift, so subtract the row maximum and keep the rest exact", tensor="loss", hint="overflow",
        )
    if not np.allclose(d_shifted, d_base, atol=1e-8):
        raise CheckFailure(
            "adding 1e4 to every score changed dscores (the loss stayed right); dscores is softmax(scores) minus the "
            "one-hot label, divided by N: compute it from the probabilities forward computed stably (cache them), "
            "not from the raw scores", tensor="dscores", hint="overflow",
        )
