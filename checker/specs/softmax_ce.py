"""Exercise softmax_ce: SoftmaxCrossEntropy, the loss. Its gradient check differentiates the true loss
(`true_loss`), not yours; the checks here are the ones that are not finite differences: the returned types,
stability for huge scores, shift invariance, and rows of dscores that sum to zero.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from hypothesis import strategies as st

from gradkit.checker import inputs
from gradkit.checker.contract import require_array, require_dtype, require_finite, require_shape, require_unchanged
from gradkit.checker.guard import call, construct
from gradkit.checker.impl import Implementation
from gradkit.checker import hints
from gradkit.checker.hints import Hint, close
from gradkit.checker.numgrad import directional_check, gradient_failure, numerical_gradient
from gradkit.checker.textmaps import MAX_MAP_ROWS, fmt_index, side_by_side, yours_and
from gradkit.checker.refit import solved
from gradkit.checker.results import CheckFailure, StudentCodeError, remembers_case
from gradkit.checker.specs import plural
from gradkit.checker.strategies import seeds


class SoftmaxCase(NamedTuple):
    N: int
    K: int
    seed: int

    exercise = "softmax_ce"

    @property
    def x_shape(self) -> tuple[int, int]:
        return (self.N, self.K)

    def __str__(self) -> str:
        return f"{plural(self.N, 'row')} of scores over {self.K} classes"


Case = SoftmaxCase


def cases() -> st.SearchStrategy[Case]:
    """N in 1..5 rows, K in 2..10 classes."""
    return st.builds(Case, N=st.integers(1, 5), K=st.integers(2, 10), seed=seeds)


softmax_cases = cases


HUGE = 1e4


def make_scores(case: Case, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
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


def _log_softmax(s: np.ndarray, axis: int | None) -> np.ndarray:
    shifted = s - s.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _wrong_losses(scores: np.ndarray, y: np.ndarray) -> list[tuple[float, Hint]]:
    """Losses that learners compute instead of the true one, each with what to change: exact counterfactuals."""
    s = scores.astype(np.float64)
    N, rows = len(y), np.arange(len(y))
    log_p = _log_softmax(s, axis=1)
    candidates = [
        (-log_p[:, y].mean(), "indexing", "your loss is the mean of log_probs[:, y], an N x N block (every row at "
                                           "every label): take one entry per row, log_probs[np.arange(N), y]"),
        (-_log_softmax(s, axis=0)[rows, y].mean(), "axis", "your probabilities are normalised over the batch "
                                                             "(axis 0): softmax normalises each row over its K "
                                                             "classes, so take the max and the sum along axis=1"),
        (-_log_softmax(s, axis=None)[rows, y].mean(), "axis", "your probabilities are normalised over all N*K "
                                                                "scores at once: normalise each row, "
                                                                "sum(axis=1, keepdims=True)"),
        (-log_p.mean(), "indexing", "your loss averages -log p over every class, not only the true one: pick "
                                    "log_probs[np.arange(N), y]"),
        (-log_p[rows, y].mean() / np.log(10), "log_base", "you take log10: the loss uses the natural log, np.log"),
        (-log_p[rows, y].mean() / np.log(2), "log_base", "you take log2: the loss uses the natural log, np.log"),
        (-s[rows, y].mean(), "no_softmax", "your loss is -scores[n, y[n]]: apply the softmax first, "
                                        "-log softmax(scores)[n, y[n]]"),
    ]
    column_shifted = s - s.max(axis=0, keepdims=True)  # not a constant within a row: it changes the softmax
    candidates.append((float(np.mean(np.log(np.exp(column_shifted).sum(axis=1)) - column_shifted[rows, y])), "axis",
                       "your loss shifts each column by its maximum (max over axis 0): a shift must be the same for "
                       "every score of a row, so subtract each row's maximum, s.max(axis=1, keepdims=True)"))
    twice = np.exp(log_p)
    candidates.append((-_log_softmax(twice, axis=1)[rows, y].mean(), "no_softmax",
                       "your loss takes the softmax twice (of the probabilities): -log softmax(scores)[n, y[n]] "
                       "applies it once"))
    shift = s.max(axis=1)
    if np.any(shift != 0):
        candidates.append(((-log_p[rows, y] - shift).mean(), "overflow",
                           "your loss is short by each row's maximum score: the log-sum-exp of the shifted scores "
                           "was paired with an unshifted score; use the shifted scores throughout, or add the maximum "
                           "back to the log-sum-exp"))
    shifted = s - s.max(axis=1, keepdims=True)
    candidates += [
        (-(shifted[rows, y] - np.log(np.exp(shifted).sum())).mean(), "axis",
         "your probabilities are each row's exponentials divided by the sum over the whole batch: np.sum(e) without "
         "an axis adds every row; normalise each row, e / e.sum(axis=1, keepdims=True)"),
        (-shifted[rows, y].mean(), "no_softmax",
         "your log-probabilities are the shifted scores alone, s - max: subtract the log-sum-exp too, log_probs = "
         "shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))"),
        (-log_p.sum(axis=1).mean(), "indexing",
         "your loss sums -log p over all K classes of each row: only the true class counts, -log p[n, y[n]]"),
    ]
    candidates.append((float(np.mean(shifted.sum(axis=1) - shifted[rows, y])), "no_softmax",
                       "your log-sum-exp is the sum of the logs, sum(log(exp(shifted))) = sum(shifted): the log of a "
                       "sum is not the sum of the logs; use np.log(np.exp(shifted).sum(axis=1))"))
    candidates.append((float(np.mean(np.log1p(np.exp(shifted).sum(axis=1)) - shifted[rows, y])), "no_softmax",
                       "your log-sum-exp is np.log1p(sum(exp(shifted))), the log of 1 + the sum: np.log1p(a) is "
                       "log(1 + a), so every row's loss gains log(1 + 1 / sum); use np.log(np.exp(shifted).sum(axis=1))"))
    with np.errstate(divide="ignore", invalid="ignore"):
        others = np.log1p(-np.exp(log_p))  # log(1 - p): binary cross-entropy's term for the classes not labelled
        others[rows, y] = 0.0
        binary = -(log_p[rows, y] + others.sum(axis=1)).mean()
    with np.errstate(over="ignore"):
        one_hot = np.zeros_like(s)
        one_hot[rows, y] = 1.0
        sigmoid_loss = float((one_hot * np.logaddexp(0, -s) + (1 - one_hot) * np.logaddexp(0, s)).sum(axis=1).mean())
    candidates.append((sigmoid_loss, "no_softmax",
                       "your loss is a binary cross-entropy of per-class sigmoids, -sum(t log sigmoid(s) + (1 - t) "
                       "log(1 - sigmoid(s))): the exercise's loss is softmax cross-entropy, -log softmax(scores)[n, "
                       "y[n]], with each row normalised over its K classes"))
    if np.isfinite(binary):
        candidates.append((binary, "no_softmax",
                           "your loss adds -log(1 - p) for every other class: that is a binary cross-entropy per "
                           "class (sigmoid outputs); softmax cross-entropy is -log p[n, y[n]] alone, the other "
                           "classes enter through the softmax's normalisation"))
    K = s.shape[1]
    for step, words in ((-1, "y - 1: the labels already count from 0"), (1, "y + 1: the labels count from 0")):
        candidates.append((-log_p[rows, (y + step) % K].mean(), "indexing",
                           f"your loss picks each row at the class {'before' if step < 0 else 'after'} its label "
                           f"({words}, 0 to K-1); pick log_probs[np.arange(N), y]"))
    maxima = s.max(axis=1, keepdims=True)
    if np.all(maxima != 0):
        candidates.append((-_log_softmax(s / maxima, axis=1)[rows, y].mean(), "overflow",
                           "your loss divides each row by its maximum: that changes the softmax (a division is not a "
                           "shift); for stability subtract the row's maximum, s - s.max(axis=1, keepdims=True)"))
    if N > 1:
        candidates += [(-log_p[rows, np.roll(y, 1)].mean(), "indexing",
                        "your loss picks each row at the previous row's label: index the rows with "
                        "np.arange(N) and the labels with y, in the same order"),
                       (-log_p.ravel()[y].mean(), "indexing",
                        "your loss reads log_probs.ravel()[y], entries of the first row: np.take(log_probs, y) "
                        "without an axis indexes the flattened array; pick log_probs[np.arange(N), y] (or "
                        "np.take_along_axis(log_probs, y[:, None], axis=1))"),
                       (-np.log(np.exp(log_p[rows, y]).mean()), "indexing",
                        "your loss is -log of the mean probability of the true classes: the loss is the mean of "
                        "-log p[n, y[n]] over the rows (take the log first, then the mean)")]
    return [(float(value), Hint(hint_id, text)) for value, hint_id, text in candidates]


def loss_hint(loss: float, scores: np.ndarray, y: np.ndarray) -> Hint | None:
    """What your wrong `loss` is, when it is exactly one of the losses learners compute instead (never fires on a
    right loss: each candidate differs from the true loss on the stored examples)."""
    exact = true_loss(scores, y)
    for value, hint in _wrong_losses(scores, y):
        if abs(value - exact) > 1e-6 * max(1.0, abs(exact)) and abs(loss - value) <= 1e-9 * max(1.0, abs(value)):
            return hint
    return None


# Losses with one number of their own, as functions of (that number, log-softmax of the scores, labels): (what the
# number is, its name, a guess to start from, the loss). An epsilon "against log(0)" is harmless up to LOG_EPSILON.
ONE_NUMBER_LOSSES = (
    ("the mean of -log(p + eps)", "eps", 1e-3,
     lambda eps, log_p, y: float(np.mean(-np.log(np.exp(log_p[np.arange(len(y)), y]) + eps)))),
    ("the mean of -log(max(p, eps)), p clipped below at eps", "eps", 1e-3,
     lambda eps, log_p, y: float(np.mean(-np.log(np.maximum(np.exp(log_p[np.arange(len(y)), y]), eps))))),
    ("the cross-entropy with a smoothed target, (1 - eps) * one_hot(y) + eps / K", "eps", 0.1,
     lambda eps, log_p, y: float(np.mean(-(1 - eps) * log_p[np.arange(len(y)), y] - eps * log_p.mean(axis=1)))),
)


def _epsilon_hint(losses: list[tuple[float, np.ndarray, np.ndarray]]) -> Hint | None:
    """Your losses (loss, scores, y) on every stored example are exactly one of ONE_NUMBER_LOSSES for one value of
    its number (above LOG_EPSILON): fitted on the first example (one number fits any loss in range), then confirmed
    on every other one."""
    if len(losses) < 2:
        return None
    log_ps = [_log_softmax(s.astype(np.float64), axis=1) for _, s, _ in losses]
    for what, name, guess, of in ONE_NUMBER_LOSSES:
        first, _, y0 = losses[0]
        for eps in solved(lambda e: of(e, log_ps[0], y0) if e >= 0 else None, first, guess):
            if eps <= LOG_EPSILON or not all(abs(of(eps, log_p, y) - loss) <= 1e-9 * max(1.0, abs(loss))
                                             for (loss, _, y), log_p in zip(losses, log_ps)):
                continue
            return Hint("eps", f"your loss is exactly {what} with {name} = {eps:.3g}, on every stored example: the "
                               f"loss is the mean of -log softmax(scores)[n, y[n]] (an epsilon up to {LOG_EPSILON:g} "
                               "in the log is harmless)")
    return None


NOT_FINITE_ADVICE = "subtract each row's maximum before exp (softmax is unchanged by a shift) and use log-sum-exp"


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
        raise CheckFailure(f"{label} returned {loss} (not finite): {NOT_FINITE_ADVICE}", tensor="loss")
    return float(loss)


def checked_dscores(loss_fn: Any, scores: np.ndarray) -> np.ndarray:
    label = "SoftmaxCrossEntropy.backward"
    dscores = require_array(call(loss_fn, "backward"), label, "dscores")
    require_shape(dscores, scores.shape, label, f"the shape of scores, {scores.shape}")
    require_dtype(dscores, scores.dtype, label, "dscores")
    require_finite(dscores, label, "dscores")
    return dscores.copy()


def follows_its_own_loss(loss: Any, dscores: np.ndarray, scores: np.ndarray, y: np.ndarray) -> bool:
    """Whether dscores (N, K) is (p - one_hot(labels)) / N for the very probabilities p and labels your loss used
    (loss = mean -log p[n, labels[n]]): backward then did what a right backward does with what forward computed.
    p is the softmax, or one taken over the wrong axis (the batch, the whole array), of scores shifted by each
    column's maximum (not a constant within a row) or divided by each row's; labels are y, or the labels forward
    picked instead (y - 1, say) and cached. Marked on a failure (`follows_forward`), it lets the engine charge a
    forward that is wrong on the stored examples alone. Only those known forwards: a made-up p (uniform, one-hot)
    consistent with a made-up loss must not buy backward's points."""
    if not isinstance(loss, float) or not np.isfinite(loss):
        return False
    N, rows = len(y), np.arange(len(y))
    s = scores.astype(np.float64)
    with np.errstate(all="ignore"):  # shifted by a row's, a column's or the global maximum, then normalised wrongly
        exps = [np.exp(s - s.max(axis=axis, keepdims=True)) for axis in (0, 1, None)]
        known = [e / e.sum(axis=axis, keepdims=True) for e in exps for axis in (0, None)]
        known.append(exps[0] / exps[0].sum(axis=1, keepdims=True))  # each column shifted by its own maximum
        known.append(exps[1] / exps[1].sum(axis=1, keepdims=True))  # the softmax itself (with other labels)
        divided = np.exp(s / s.max(axis=1, keepdims=True))
        known.append(divided / divided.sum(axis=1, keepdims=True))  # each row divided by its maximum
    mine = dscores.astype(np.float64) * N
    for p in known:
        if not np.all(np.isfinite(p)):
            continue
        labels = np.argmax(p - mine, axis=1)  # where one_hot put its 1
        one_hot = np.zeros_like(p)
        one_hot[rows, labels] = 1.0
        if close(mine, p - one_hot) and np.all(p[rows, labels] > 0):
            own = float(np.mean(-np.log(p[rows, labels])))
            if abs(own - loss) <= 1e-6 * max(1.0, abs(loss)):
                return True
    with np.errstate(over="ignore"):
        log_p, log_q = -np.logaddexp(0, -s), -np.logaddexp(0, s)  # log sigmoid(s), log(1 - sigmoid(s))
    one_hot = np.zeros_like(s)
    one_hot[rows, y] = 1.0
    binary = float(-(one_hot * log_p + (1 - one_hot) * log_q).sum(axis=1).mean())
    return close(mine, np.exp(log_p) - one_hot) and abs(binary - loss) <= 1e-6 * max(1.0, abs(loss))


@remembers_case
def check_contract(impl: Implementation, case: Case) -> None:
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
    _second_batch(impl, case, rng, scores, y)


def _second_batch(impl: Implementation, case: Case, rng: np.random.Generator, scores: np.ndarray,
                  y: np.ndarray) -> None:
    """One loss object, three batches (as a training loop uses it): after the case's batch, one of the same size
    with other values, then one with two more rows (a last batch differs in size). Each forward and backward gives
    what a fresh object gives on that batch. Something computed once and kept (a memoised dscores, a one-hot of
    the first labels, the first batch's N) answers for an earlier batch instead."""
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    checked_loss(loss_fn, scores, y)
    previous = checked_dscores(loss_fn, scores)
    for number, rows in ((2, case.N), (3, case.N + 2)):
        batch, labels = make_scores(case._replace(N=rows), rng)
        batch = batch * 2.0 + 1.0  # other values for sure, even with a single class
        fresh = construct(impl.SoftmaxCrossEntropy)
        want_loss = checked_loss(fresh, batch, labels)
        want = checked_dscores(fresh, batch)
        where = (f"batch {number} on one loss object ({rows} row{'s' * (rows != 1)}, after batches of {case.N}); "
                 f"a fresh object handles it")
        try:
            loss = checked_loss(loss_fn, batch, labels)
            dscores = checked_dscores(loss_fn, batch)
        except CheckFailure as failure:  # a fresh object manages this batch: what breaks was kept from before
            failure.message += f"\n  this was {where}, so something kept from an earlier batch is reused"
            failure.hint = "stale_cache"
            raise
        if np.allclose(dscores, want, rtol=1e-12, atol=1e-15) and np.isclose(loss, want_loss, rtol=1e-12, atol=0):
            previous = dscores
            continue
        ratio = float(np.sum(dscores * want) / np.sum(want * want)) if np.any(want) else 0.0
        if dscores.shape == previous.shape and np.array_equal(dscores, previous) and not np.array_equal(previous, want):
            what = "backward returned the previous batch's dscores"
        elif not np.isclose(loss, want_loss, rtol=1e-12, atol=0):
            what = f"forward returned loss {loss:.10g}; a fresh object {want_loss:.10g}"
        elif np.any(want) and np.allclose(dscores, ratio * want, rtol=1e-9, atol=1e-15):
            what = f"backward's dscores are {ratio:.4g} x a fresh object's (an N kept from an earlier batch?)"
        else:
            what = "backward's dscores differ from a fresh object's"
        raise CheckFailure(
            f"SoftmaxCrossEntropy gave a wrong result on {where}: {what}\n  hint: forward must recompute everything "
            f"backward uses from the scores and labels of this call; nothing computed for an earlier batch may be "
            f"kept (a dscores or one-hot computed once, an N from the first call)\n  case: {case}, then "
            f"{'one more batch' if number == 2 else 'two more batches'}",
            tensor="loss" if what.startswith("forward") else "dscores", hint="stale_cache")


@remembers_case
def check_rows_sum_to_zero(impl: Implementation, case: Case) -> None:
    """Each row of dscores is (softmax - one_hot) / N, so it sums to 0 and the label's entry is negative."""
    rng = np.random.default_rng(case.seed)
    scores, y = make_scores(case, rng)
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    loss = checked_loss(loss_fn, scores, y)
    dscores = checked_dscores(loss_fn, scores)
    sums = dscores.sum(axis=1)
    worst = int(np.argmax(np.abs(sums)))
    if abs(sums[worst]) > 1e-9 * max(np.abs(dscores).max(), 1e-12):
        failure = CheckFailure(
            f"row {worst} of dscores sums to {sums[worst]:.3g}; every row must sum to 0 "
            "(probabilities sum to 1, minus the one-hot label)\n"
            f"  case: {case}", tensor="dscores", hint="rows_not_zero",
        )
        failure.follows_forward = follows_its_own_loss(loss, dscores, scores, y)  # forward's own probabilities
        raise failure
    rows = np.arange(case.N)
    if np.any(dscores[rows, y] >= 0):
        n = int(np.argmax(dscores[rows, y] >= 0))
        lowest = int(np.argmin(dscores[n]))
        if dscores[n, lowest] < 0 and lowest == int(np.argmax(scores[n])) != y[n]:
            failure = CheckFailure(
                f"dscores[{n}, y[{n}]={y[n]}] = {dscores[n, y[n]]:.3g} is not negative, and the 1 is subtracted at "
                f"column {lowest}, the predicted class (the argmax of the scores): subtract it at the label, "
                "dscores[n, y[n]] -= 1", tensor="dscores", hint="labels")
        else:
            flipped = bool(np.all(dscores[rows, y] > 0)) and bool(np.all(np.delete(dscores, y + case.K * rows) <= 0))
            failure = CheckFailure(
                f"dscores[{n}, y[{n}]={y[n]}] = {dscores[n, y[n]]:.3g} is not negative; raising the right class's "
                "score must lower the loss: dscores[n, y[n]] = (p[n, y[n]] - 1) / N < 0"
                + (" (every sign is flipped: a sign error?)" if flipped else
                   " (is the target at the label something less than 1?)"), tensor="dscores",
                hint="sign" if flipped else None)
        failure.follows_forward = follows_its_own_loss(loss, dscores, scores, y)  # labels forward picked, say
        raise failure


def _overflow_advice(impl: Implementation, huge: np.ndarray, y: np.ndarray) -> str:
    """Why huge scores break your loss: no (or a wrong) shift, or the log of a probability that underflowed to 0,
    told apart by giving your code scores whose row maxima are already 0."""
    try:
        loss_fn = construct(impl.SoftmaxCrossEntropy)
        checked_loss(loss_fn, huge - huge.max(axis=1, keepdims=True), y)
        checked_dscores(loss_fn, huge - huge.max(axis=1, keepdims=True))
    except (CheckFailure, StudentCodeError):
        if not _finite_with_labels_at_the_maxima(impl, huge - huge.max(axis=1, keepdims=True)):
            return ("even given scores whose row maxima are already 0, with each label at its row's maximum, your "
                    "code is not finite: something still overflows, so the shift is not by each row's own maximum "
                    "(a mean, a global maximum, or a shift added back later?); subtract scores.max(axis=1, "
                    "keepdims=True) and compute log-softmax as shifted - log(sum(exp(shifted)))")
        if not _finite_below_the_maximum(impl, 720.0):
            return ("even given scores whose row maxima are already 0, your code is not finite once the label's score "
                    "is 720 below its row's maximum, where exp(-720) is still above 0 (no probability underflows): "
                    "something computes exp(+720), which overflows; the shift must be each row's maximum (not the "
                    "label's score: exp(s - s[y]) overflows), log_probs = shifted - log(sum(exp(shifted)))")
        return ("even given scores whose row maxima are already 0, your code is not finite: exp(-1e4) underflows, a "
                "probability becomes exactly 0 and np.log(0) = -inf; compute log-probabilities directly, "
                "log_probs = shifted - log(sum(exp(shifted))), instead of the log of a ratio")
    return ("exp(1e4) overflows to inf, and after a shift by anything but each row's own maximum a whole row of exp "
            "can underflow to 0; subtract each row's maximum score first (softmax does not change) and compute "
            "log-softmax as shifted - log(sum(exp(shifted)))")


def _finite_below_the_maximum(impl: Implementation, gap: float) -> bool:
    """Your loss and dscores are finite for a row [0, -gap] labelled 1: for a gap of 720, exp(-720) is a tiny
    positive number (no probability underflows to 0), while exp(+720) overflows."""
    try:
        loss_fn = construct(impl.SoftmaxCrossEntropy)
        checked_loss(loss_fn, np.array([[0.0, -gap]]), np.array([1]))
        checked_dscores(loss_fn, np.array([[0.0, -gap]]))
    except (CheckFailure, StudentCodeError):
        return False
    return True


def _finite_with_labels_at_the_maxima(impl: Implementation, shifted: np.ndarray) -> bool:
    """Your loss and dscores are finite on scores whose row maxima are 0 when each label is its row's maximum: a
    probability that underflows to 0 is then never the label's, so only an overflow can still break them."""
    try:
        loss_fn = construct(impl.SoftmaxCrossEntropy)
        checked_loss(loss_fn, shifted, shifted.argmax(axis=1))
        checked_dscores(loss_fn, shifted)
    except (CheckFailure, StudentCodeError):
        return False
    return True


@remembers_case
def check_huge_scores(impl: Implementation, case: Case) -> None:
    """Scores of about 1e4 (exp overflows) give a finite loss, and shifting every score by 1e4 changes nothing.
    The graded test asks only once your loss is right on the stored examples (`fixtures.once_forward_is_right`)."""
    rng = np.random.default_rng(case.seed)
    scores, y = make_scores(case, rng)
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    base = checked_loss(loss_fn, scores, y)
    d_base = checked_dscores(loss_fn, scores)
    moved = construct(impl.SoftmaxCrossEntropy)  # its own layer, so both losses come before either dscores
    losses_finite = False  # set once both losses on huge scores came back finite: then only a dscores failed
    try:
        checked_loss(loss_fn, scores * HUGE, y)
        shifted = checked_loss(moved, scores + HUGE, y)
        losses_finite = True
        checked_dscores(loss_fn, scores * HUGE)
        d_shifted = checked_dscores(moved, scores + HUGE)
    except CheckFailure as failure:
        what = str(failure).replace(f": {NOT_FINITE_ADVICE}", "")  # the hint below says what to do, and why
        if losses_finite and failure.tensor == "dscores":  # the forward's shift holds; backward breaks on its own
            raise CheckFailure(
                f"with scores of about 1e4: {what}\n  hint: your loss stays finite on these scores and your dscores "
                "does not, so backward breaks on its own: it divides by a probability that underflows to 0 here, or "
                "recomputes exp of the raw scores, which overflows; dscores = (softmax(scores) - one_hot(y)) / N, "
                "from the probabilities forward computed stably, needs neither",
                tensor="dscores", hint="overflow") from None
        raise CheckFailure(f"with scores of about 1e4: {what}\n  hint: {_overflow_advice(impl, scores * HUGE, y)}",
                           tensor="loss", hint="overflow") from None
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


# ---------------------------------------------------------------- a loss, not a layer: what the engine asks of it

def tensors(impl: Implementation, case: Case) -> dict[str, np.ndarray]:
    """What an implementation computes on a case: the loss and dscores (for known-bug fingerprints)."""
    scores, y = make_scores(case, np.random.default_rng(case.seed))
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    loss = checked_loss(loss_fn, scores, y)
    return {"loss": np.array(loss), "dscores": checked_dscores(loss_fn, scores)}


def gradients(impl: Implementation, case: Case) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{"dscores": (yours, numerical)} on a case (for the `--plot` picture)."""
    scores, y = make_scores(case, np.random.default_rng(case.seed))
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    checked_loss(loss_fn, scores, y)
    mine = checked_dscores(loss_fn, scores)
    return {"dscores": (mine, numerical_gradient(lambda d: checked_loss(loss_fn, scores + d, y), scores.shape))}


LABELS_HINT = Hint("labels", "your code runs (or is right) when the batch holds the last class K - 1 and fails when it "
                             "does not: something is sized by the labels present (y.max() + 1, np.unique(y)) instead "
                             "of the K = scores.shape[1] classes; a one-hot needs K columns, np.eye(K)[y]")


def crash_hint(impl: Implementation, case: Case) -> Hint | None:
    """Labels that raise unless the batch holds the last class point at a width taken from y.max() + 1, not K."""
    if case.K <= 1:
        return None
    scores = np.random.default_rng(case.seed).standard_normal((case.N, case.K))
    first, with_last = np.zeros(case.N, dtype=np.int64), np.zeros(case.N, dtype=np.int64)
    with_last[-1] = case.K - 1
    if _loss_runs(impl, scores, with_last) and not _loss_runs(impl, scores, first):
        return LABELS_HINT
    return None


def _loss_runs(impl: Implementation, scores: np.ndarray, y: np.ndarray) -> bool:
    try:
        loss_fn = construct(impl.SoftmaxCrossEntropy)
        call(loss_fn, "forward", scores.copy(), y.copy())
        call(loss_fn, "backward")
    except StudentCodeError:
        return False
    except CheckFailure:
        return True
    return True


# ---------------------------------------------------------------- the gradient and its diagnosis

@remembers_case
def check_softmax_gradient(impl: Implementation, case: Case) -> None:
    """Check dscores against finite differences of the true loss (`softmax.true_loss`), not of your forward."""
    rng = np.random.default_rng(case.seed)
    scores, y = make_scores(case, rng)
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    loss = call(loss_fn, "forward", scores.copy(), y.copy())  # fills your cache; the loss is the forward tests' business
    dscores = checked_dscores(loss_fn, scores)
    u = inputs.unit_direction(rng, scores.shape)
    result = directional_check(lambda t: true_loss(scores + t * u, y), dscores, u, kink_guard=False)
    if not result.passed:
        failure = gradient_failure("SoftmaxCrossEntropy.backward", "dscores", case, result)
        failure.gradient = "scores"
        failure.follows_forward = follows_its_own_loss(loss, dscores, scores, y)
        raise failure


def diagnose(impl: Implementation, case: Case, verbose: bool = False) -> tuple[list[str], Hint | None, dict]:
    """Why dscores is wrong on `case`: (lines, hint, {"dscores": yours/numerical}); the engine adds known bugs."""
    rng = np.random.default_rng(case.seed)
    scores, y = make_scores(case, rng)
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    call(loss_fn, "forward", scores.copy(), y.copy())
    mine = checked_dscores(loss_fn, scores)
    numerical = numerical_gradient(lambda delta: true_loss(scores + delta, y), scores.shape)
    err = np.abs(mine - numerical)
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    lines = [f"  worst dscores[{fmt_index(worst)}]: {yours_and(mine[worst], numerical[worst], 'numerical')}"]
    lines += side_by_side(mine[:MAX_MAP_ROWS], numerical[:MAX_MAP_ROWS], ("your dscores", "numerical"))
    sums = mine.sum(axis=1)
    hint = hints.zeros(mine, numerical, "dscores")
    if hint is None and (case.K - 1) * case.N >= 2:  # rows of dscores sum to 0: a single free entry is always "a multiple"
        hint = hints.ratio(mine, numerical, "dscores", batch=case.N)
    predicted = np.exp(_log_softmax(scores.astype(np.float64), axis=1))
    predicted[np.arange(case.N), scores.argmax(axis=1)] -= 1.0
    if hint is None and not np.array_equal(scores.argmax(axis=1), y) and close(mine, predicted / case.N):
        hint = Hint("labels", "your dscores subtracts 1 at each row's predicted class (the argmax of the scores), not "
                              "at its label: dscores = (softmax(scores) - one_hot(y)) / N, with the 1 at column y[n]")
    if hint is None and case.K > 1 and not np.any(y == case.K - 1) and not close(mine, numerical):
        with_last = y.copy()
        with_last[-1] = case.K - 1
        try:
            again = construct(impl.SoftmaxCrossEntropy)
            call(again, "forward", scores.copy(), with_last.copy())
            theirs = checked_dscores(again, scores)
        except CheckFailure:
            theirs = None
        if theirs is not None and close(
                theirs, numerical_gradient(lambda delta: true_loss(scores + delta, with_last), scores.shape)):
            hint = LABELS_HINT
    if hint is None and case.N > 1 and np.abs(mine.sum(axis=0)).max() <= 1e-9 * max(np.abs(mine).max(), 1e-12):
        hint = Hint("axis", "the columns of your dscores sum to 0, not its rows: softmax normalises each row (each "
                            "sample) over its K classes, so sum and take the maximum along axis=1")
    probs = np.exp(_log_softmax(scores.astype(np.float64), axis=1))
    if hint is None and close(mine, numerical * probs * (1 - probs)) and not close(mine, numerical):
        hint = Hint("no_softmax", "your dscores is the true one times p * (1 - p), entry by entry: the softmax's "
                                  "derivative is already inside p - one_hot(y) (the combined gradient of softmax and "
                                  "cross-entropy); dscores = (softmax(scores) - one_hot(y)) / N, with no further factor")
    if hint is None:
        hint = _combination_hint(impl, case)
    if hint is None and np.abs(sums).max() > 1e-6 * max(np.abs(mine).max(), 1e-12):
        hint = Hint("rows_not_zero", f"rows of your dscores sum to {np.array2string(sums, precision=3)}, not 0: "
                                     "dscores = (softmax(scores) - one_hot(y)) / N")
    return lines, hint, {"dscores": {"yours": mine, "numerical": numerical}}


# What a dscores is read as: a combination of these (N, K) terms, each named; the contract's is
# (softmax - one_hot) / N, that is 1/N of the first and -1/N of the second.
TERMS = ("softmax(scores)", "one_hot(y)", "softmax at the label only, softmax * one_hot", "log_softmax(scores)",
         "1 (the same constant in every entry: a smoothed target?)")


def _terms(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The TERMS for these scores and labels, each flattened: (N*K, len(TERMS))."""
    log_p = _log_softmax(scores.astype(np.float64), axis=1)
    one_hot = np.zeros_like(log_p)
    one_hot[np.arange(len(y)), y] = 1.0
    return np.stack([np.exp(log_p).ravel(), one_hot.ravel(), (np.exp(log_p) * one_hot).ravel(), log_p.ravel(),
                     np.ones(log_p.size)], axis=1)


def _combination_hint(impl: Implementation, case: Case) -> Hint | None:
    """Your dscores read as an exact combination of TERMS, on a case large enough to tell them apart (most wrong
    dscores are one: a missing or doubled 1/N, the one-hot term scaled apart, only the label column, log-probabilities
    for probabilities). None when no combination fits, or it is the contract's."""
    case = enlarged(case)
    scores, y = make_scores(case, np.random.default_rng(case.seed))
    try:
        loss_fn = construct(impl.SoftmaxCrossEntropy)
        call(loss_fn, "forward", scores.copy(), y.copy())
        mine = checked_dscores(loss_fn, scores)
    except CheckFailure:
        return None
    basis = _terms(scores, y)
    if not np.all(np.isfinite(mine)):
        return None
    coefficients, *_ = np.linalg.lstsq(basis, mine.ravel().astype(np.float64), rcond=None)
    if np.abs(basis @ coefficients - mine.ravel()).max() > 1e-9 * max(float(np.abs(mine).max()), 1e-12):
        return None
    want = np.array([1.0, -1.0, 0.0, 0.0, 0.0]) / case.N
    if np.allclose(coefficients, want, rtol=1e-9, atol=1e-12):
        return None
    used = [(c, term) for c, term in zip(coefficients, TERMS) if abs(c) > 1e-9]
    if not used:
        return None
    reading = "".join(f"{('-' if c < 0 else '') if i == 0 else (' - ' if c < 0 else ' + ')}{_factor(abs(c), case)} * "
                      f"{term}" for i, (c, term) in enumerate(used))
    return Hint("scale", f"your dscores is exactly {reading} (on {case}); the contract's is (softmax(scores) - "
                         f"one_hot(y)) / N, that is 1/N * softmax(scores) - 1/N * one_hot(y)")


def _factor(c: float, case: Case) -> str:
    """c as a simple expression in N and K when exactly one fits (1/N, 1/N**2, 1/K, 1, ...), else its value."""
    N, K = case.N, case.K
    names = {"1": 1.0, "1/N": 1 / N, "1/N**2": 1 / N**2, "1/K": 1 / K, "1/(N*K)": 1 / (N * K), "N": float(N), "0": 0.0}
    found = {value for name, value in names.items() if abs(c - value) <= 1e-9 * max(abs(value), 1e-12)}
    fits = [name for name, value in names.items() if abs(c - value) <= 1e-9 * max(abs(value), 1e-12)]
    return f"{fits[0]} (= {c:.4g})" if len(found) == 1 and fits[0] not in ("0", "1") else f"{c:.4g}"


# ---------------------------------------------------------------- stored examples, pictures, fingerprints

CONFIG_FIELDS = ()

# Stored forward examples (`python -m gradkit.release.fixtures` writes them from the reference): (x shape, settings);
# chosen to cover padding, strides that do not divide, non-square kernels and images, C != F, overlapping windows.
EXAMPLES = [((4, 5), {}), ((1, 3), {}), ((6, 10), {})]


INPUT, OUTPUT = "scores", "loss"  # what a stored example calls them


def check_stored_outputs(impl: Implementation, examples: list[tuple[str, dict[str, np.ndarray]]],
                         verdict: Callable[[dict[str, np.ndarray]], str] | None) -> None:
    """Your loss on every stored example (`what`, example) is the true one, to 1e-6 relative, an epsilon in the log
    allowed (`loss_is_right`). The smallest wrong example is reported, with a known wrong loss or a factor common
    to all examples named, and `verdict(example)` (whether your backward is right there) when given."""
    failures, losses, seen = [], [], []
    for what, example in examples:
        scores, y = example["scores"], example["y"]
        loss = checked_loss(build_from_config(impl, {}), scores, y)
        expected = float(example["loss"])
        losses.append((loss, expected, *scores.shape))
        seen.append((loss, scores, y))
        if loss_is_right(loss, scores, y):
            continue
        hint = loss_hint(loss, scores, y) if verdict else None
        lines = [f"SoftmaxCrossEntropy.forward gives the wrong loss on {what}: yours {loss:.10g}, expected "
                 f"{expected:.10g} ({_how_far(loss, expected)}); the loss is the mean over the batch of "
                 "-log softmax(scores)[n, y[n]]"]
        if hint is not None:
            lines.append(f"  hint: {hint.text}")
        lines.append(verdict(example) if verdict else "")
        failures.append((scores.size, CheckFailure("\n".join(line for line in lines if line), tensor="loss",
                                                   hint=hint.id if hint else None)))
    if failures:
        failure = min(failures, key=lambda pair: pair[0])[1]
        factor = _loss_factor(losses) if failure.hint is None else None
        factor = factor or (_epsilon_hint(seen) if failure.hint is None and verdict else None)
        if factor is not None:
            failure.message += f"\n  hint: {factor.text}"
            failure.hint = factor.id
        raise failure


def check_fresh_output(impl: Implementation, what: str, example: dict[str, np.ndarray],
                       rng: np.random.Generator) -> None:
    """Your loss on fresh random scores and labels of the stored example's shape is the true one."""
    scores = 2.0 * rng.standard_normal(example["scores"].shape)
    y = rng.integers(0, scores.shape[1], size=scores.shape[0])
    loss = checked_loss(build_from_config(impl, {}), scores, y)
    if not loss_is_right(loss, scores, y):
        raise CheckFailure(f"SoftmaxCrossEntropy.forward gives the wrong loss on {what}: yours {loss:.10g}",
                           tensor="loss")


def stored_gradient(loss_fn: Any, example: dict[str, np.ndarray]) -> np.ndarray:
    """Your dscores on a stored example: forward on its scores and labels (filling your cache), then backward."""
    call(loss_fn, "forward", example["scores"].copy(), example["y"].copy())
    return checked_dscores(loss_fn, example["scores"])


def _loss_factor(losses: list[tuple[float, float, int, int]]) -> Hint | None:
    """A factor that relates your loss to the true one on every stored example, named when it means something."""
    if not losses or all(abs(mine - want) <= 1e-6 * max(1.0, abs(want)) for mine, want, _, _ in losses):
        return None
    ratios = np.array([mine / want for mine, want, _, _ in losses])
    for factor, why in [(-1.0, "the sign is flipped: the loss is -log of the probability, a positive number"),
                        (lambda N, K: N, "it is summed over the batch: average it over the N rows (.mean())"),
                        (lambda N, K: 1 / K, "it is divided by the number of classes K: average over the N rows only"),
                        (lambda N, K: N / K, "it is divided by the number of classes K instead of the batch size N"),
                        (lambda N, K: 1 / (N * K), "it is averaged over all N*K entries: average over the N rows only")]:
        wanted = np.array([factor(N, K) if callable(factor) else factor for _, _, N, K in losses])
        if np.allclose(ratios, wanted, rtol=1e-6):
            return Hint("sign" if factor == -1.0 else "scale", f"on every stored example your loss is the true one "
                                                               f"times {np.array2string(wanted, precision=3)}: {why}")
    if np.allclose(ratios, ratios[0], rtol=1e-6):
        return Hint("scale", f"on every stored example your loss is {ratios[0]:.4g} x the true one: a missing or extra "
                             "constant factor")
    return None


def _how_far(yours: float, expected: float) -> str:
    """"ratio 0.3333" when the two differ by a factor, else the difference, with enough digits to see it."""
    if expected and abs(yours / expected - 1) > 1e-3:
        return f"ratio {yours / expected:.4g}"
    return f"off by {yours - expected:+.3g}, relative {abs(yours - expected) / max(abs(expected), 1e-300):.1e}"


def build_from_config(impl: Implementation, config: dict[str, int]) -> Any:
    return construct(impl.SoftmaxCrossEntropy)


def stored_example(loss_fn: Any, shape: tuple[int, int], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One stored example from the reference's loss: scores (N, K), labels, the loss and dscores."""
    scores, y = 2.0 * rng.standard_normal(shape), rng.integers(0, shape[1], size=shape[0])
    return {"scores": scores, "y": y, "loss": np.array(loss_fn.forward(scores, y)), "dscores": loss_fn.backward()}


PLOT_CASE = Case(N=6, K=5, seed=0)


def enlarged(case: Case) -> Case:
    return case._replace(N=max(case.N, 6), K=max(case.K, 5))


PROBE_CASES = [Case(N=4, K=5, seed=109), Case(N=3, K=3, seed=110)]
