"""Exercise batchnorm: BatchNorm2D, spatial batch normalisation of x (N, C, H, W) per channel over N, H and W, with
running statistics for evaluation mode (everything the kit knows of it beyond the generic layer checks).

The generic checks run in training mode, the mode a fresh layer is in: there the output depends only on the batch,
so the many forward calls of finite differences (each of which moves the running statistics) all see the same
function. Evaluation mode is checked through stored examples built in that mode (`training=0`: running statistics
set by `build_from_config`; they store the output only, since the contract leaves that mode's backward open), the
dtype contract (`check_forward_extra`), and two checks of the running statistics below: the training update
(PyTorch's momentum convention, the unbiased batch variance) and no update in evaluation mode.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
from hypothesis import strategies as st

from gradkit.checker import contract, forward_hints, inputs
from gradkit.checker.construction import same_forward
from gradkit.checker.guard import call, construct
from gradkit.checker.hints import Hint, close
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure, StudentCodeError, remembers_case
from gradkit.checker.specs import plural
from gradkit.checker.strategies import seeds
from gradkit.checker.textmaps import yours_and

CLS = "BatchNorm2D"
MOMENTUM, EPS = 0.1, 1e-5  # the contract's defaults
PER_CHANNEL = (0, 2, 3)  # every axis but the channels': N, H and W
MIN_VALUES = 3  # values per channel in a check: with 2, the normalised values are +-1 whatever x is


def _values(N: int, H: int, W: int) -> str:
    return f"{plural(N, 'image')} of {H}x{W}, {N * H * W} values per channel"


class BatchNormCase(NamedTuple):
    N: int
    C: int
    H: int
    W: int
    seed: int

    exercise = "batchnorm"
    out_formula = "the shape of x, (N, C, H, W)"

    @property
    def x_shape(self) -> tuple[int, int, int, int]:
        return (self.N, self.C, self.H, self.W)

    @property
    def out_shape(self) -> tuple[int, int, int, int]:
        return self.x_shape

    def __str__(self) -> str:
        return f"{_values(self.N, self.H, self.W)}, {plural(self.C, 'channel')} (training mode)"


Case = BatchNormCase


class RunningCase(NamedTuple):
    """Several forward calls of one layer, for the running statistics."""

    N: int
    C: int
    H: int
    W: int
    momentum: float
    steps: int
    seed: int

    exercise = "batchnorm"
    out_formula = Case.out_formula

    @property
    def x_shape(self) -> tuple[int, int, int, int]:
        return (self.N, self.C, self.H, self.W)

    @property
    def out_shape(self) -> tuple[int, int, int, int]:  # a crash is diagnosed as a layer case's (`variants`)
        return self.x_shape

    def __str__(self) -> str:
        return (f"{plural(self.steps, 'forward call')} on batches of {_values(self.N, self.H, self.W)}, "
                f"{plural(self.C, 'channel')}, momentum={self.momentum}")


@st.composite
def _shape(draw: st.DrawFn, min_values: int = MIN_VALUES) -> tuple[int, int, int, int]:
    """N in 1..4, C in 1..3, H and W in 1..4, with at least 2 pixels per image and `min_values` values per channel.

    Shrinks towards one image of 1x3 (or two of 1x2; with min_values 2, one of 1x2) with one channel. Two pixels or
    more per image, so that a gradient summed over N alone has the wrong shape rather than an extra axis of length
    1."""
    H, W = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    if H * W == 1:
        W = 2
    N = draw(st.integers(1, 4))
    if N * H * W < min_values:
        N = 2
    return N, draw(st.integers(1, 3)), H, W


def cases() -> st.SearchStrategy[Case]:
    return st.builds(lambda shape, seed: Case(*shape, seed=seed), _shape(), seeds)


batchnorm_cases = cases

# momentum 0.5 would make the reversed convention right: never drawn
MOMENTA = (0.1, 0.3, 0.01, 0.9)


def running_cases() -> st.SearchStrategy[RunningCase]:
    """A batch shape as `cases` but down to the contract's minimum of 2 values per channel (the simplest case, which
    hypothesis tries first: there the unbiased variance is twice the biased one), one of MOMENTA (0.1 first) and
    1..3 forward calls."""
    return st.builds(lambda shape, momentum, steps, seed: RunningCase(*shape, momentum=momentum, steps=steps,
                                                                      seed=seed),
                     _shape(2), st.sampled_from(MOMENTA), st.integers(1, 3), seeds)


# ---------------------------------------------------------------- building

PARAMS = ("gamma", "beta")
SMOOTH = True  # no kinks or ties: a gradient check never discards an example (its curvature is not a kink)


def param_shapes(case: Case) -> dict[str, tuple[int, ...]]:
    """The contract's parameter shapes: gamma (C,), beta (C,)."""
    return {"gamma": (case.C,), "beta": (case.C,)}


def build(impl: Any, case: Case, rng: np.random.Generator) -> Any:
    return construct(impl.BatchNorm2D, case.C, momentum=MOMENTUM, eps=EPS)


def make_input(case: Any, rng: np.random.Generator) -> np.ndarray:
    """Gaussian values, each channel rescaled to a mean in [-1, 1] and a standard deviation in [0.5, 2]: never a
    nearly constant channel, whose tiny variance would make finite differences meaningless."""
    z = inputs.gaussian(rng, case.x_shape)
    z -= z.mean(axis=PER_CHANNEL, keepdims=True)
    z /= np.sqrt(np.mean(z * z, axis=PER_CHANNEL, keepdims=True))
    level = rng.uniform(-1.0, 1.0, (1, case.C, 1, 1))
    spread = rng.uniform(0.5, 2.0, (1, case.C, 1, 1))
    return level + spread * z


def _set(layer: Any, name: str, value: np.ndarray) -> None:
    call(layer, "__setattr__", name, value.copy())


def _read(layer: Any, name: str, C: int, when: str) -> np.ndarray:
    """A copy of `layer.<name>` as the contract has it: a float array of shape (C,)."""
    try:
        value = getattr(layer, name)
    except AttributeError:
        raise CheckFailure(f"{CLS} has no attribute {name} {when}; the provided constructor sets it (keep it)",
                           tensor=name) from None
    except Exception as error:  # noqa: BLE001 - a property of the student's, or the sandbox: still a failure
        raise CheckFailure(f"reading {CLS}.{name} {when} failed: {error}", tensor=name) from None
    if not isinstance(value, np.ndarray) or value.shape != (C,) or not np.issubdtype(value.dtype, np.floating):
        what = (f"a {value.dtype} array of shape {value.shape}" if isinstance(value, np.ndarray)
                else type(value).__name__)
        raise CheckFailure(f"{CLS}.{name} is {what} {when}; it must stay a float64 array of shape (C,) = ({C},), "
                           "one number per channel (reduce over N, H and W without keepdims, or reshape back)",
                           tensor=name, hint="shape")
    return np.array(value, dtype=np.float64)


# ---------------------------------------------------------------- the normalisation and its usual mistakes
# Used to name a mistake exactly (never to grade: the stored examples and the reference do that).

def _batch_moments(x: np.ndarray, axes: tuple[int, ...] = PER_CHANNEL, ddof: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The mean and variance of x over `axes`, broadcastable against x."""
    centre = np.mean(x, axis=axes, keepdims=True)
    count = int(np.prod([x.shape[a] for a in axes]))
    spread = np.sum((x - centre) ** 2, axis=axes, keepdims=True) / max(count - ddof, 1)
    return centre, spread


def _channel(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(1, -1, 1, 1)


def _affine(xhat: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    return _channel(gamma) * xhat + _channel(beta)


def _whiten(x: np.ndarray, centre: np.ndarray, spread: np.ndarray, eps: float = EPS, inside: bool = True) -> np.ndarray:
    return (x - centre) / (np.sqrt(spread + eps) if inside else np.sqrt(spread) + eps)


AXIS_WORDS = {
    (0,): "over N only (one mean and variance per (c, h, w) position)",
    (2, 3): "over H and W only (per image and channel: instance normalisation)",
    (1, 2, 3): "over C, H and W (per image: layer normalisation)",
    (0, 1, 2, 3): "over all of x at once (one mean and variance for every channel)",
    (0, 2): "over N and H only (W forgotten)",
    (0, 3): "over N and W only (H forgotten)",
}
ADVICE = "batch normalisation normalises each channel over N, H and W: reduce with axis=(0, 2, 3)"


MIXED = ("x.reshape(-1, C) on an (N, C, H, W) array puts values of different channels in one column (unless C = 1 "
         "or H = W = 1); move C last first, x.transpose(0, 2, 3, 1).reshape(-1, C), or reduce with axis=(0, 2, 3)")
FLATTENED = Hint("axis", f"your output mixes channels: {MIXED}")


CHANNEL_ROWS = ("x.reshape(C, -1) on an (N, C, H, W) array does not give one row per channel: memory runs image by "
                "image, so a row holds parts of several images and channels (right only when N = 1); move C first, "
                "x.transpose(1, 0, 2, 3).reshape(C, -1), or reduce with axis=(0, 2, 3)")
ROWS_OF_C = Hint("axis", f"your output mixes channels and images: {CHANNEL_ROWS}")


def _channel_rows(x: np.ndarray) -> np.ndarray:
    """x (N, C, H, W) as the C rows of `x.reshape(C, -1)`, the other usual mistake (rows of mixed channels)."""
    return np.asarray(x, dtype=np.float64).reshape(x.shape[1], -1)


def _flattened(x: np.ndarray) -> np.ndarray:
    """x (N, C, H, W) as the (N*H*W, C) rows of `x.reshape(-1, C)`: the usual mistake, not a per-channel layout."""
    return np.asarray(x, dtype=np.float64).reshape(-1, x.shape[1])


def _training_mistakes(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> Iterator[tuple[Hint, np.ndarray]]:
    """(the mistake, the output it gives) for the usual mistakes of a training-mode forward."""
    centre, spread = _batch_moments(x)
    _, unbiased = _batch_moments(x, ddof=1)
    yield (Hint("unbiased_var", "your output is normalised with the unbiased variance (divided by M - 1): the "
                                "normalisation uses the biased one (divided by M = N*H*W, np.var's default ddof=0); "
                                "only running_var takes the unbiased one"),
           _affine(_whiten(x, centre, unbiased), gamma, beta))
    yield (Hint("eps", "your output is normalised by sqrt(var) + eps: eps goes inside the square root, "
                       "(x - mean) / sqrt(var + eps)"), _affine(_whiten(x, centre, spread, inside=False), gamma, beta))
    yield (Hint("eps", "your output is normalised without eps: divide by sqrt(var + eps), eps=self.eps"),
           _affine(_whiten(x, centre, spread, eps=0.0), gamma, beta))
    for axes, words in AXIS_WORDS.items():
        other_centre, other_spread = _batch_moments(x, axes)
        yield (Hint("axis", f"your output is x normalised {words}: {ADVICE}"),
               _affine(_whiten(x, other_centre, other_spread), gamma, beta))
    xhat = _whiten(x, centre, spread)
    yield (Hint("affine", "your output is gamma * (xhat + beta): beta is added before the scaling, so gamma scales it "
                          "too; out = gamma * xhat + beta"), _channel(gamma) * (xhat + _channel(beta)))
    yield (Hint("affine", "your output is beta * xhat + gamma: gamma and beta are swapped; out = gamma * xhat + beta"),
           _affine(xhat, beta, gamma))
    rows = _flattened(x)  # BatchNorm1D's layout reached without moving C last
    whitened = (rows - rows.mean(axis=0)) / np.sqrt(rows.var(axis=0) + EPS)
    yield FLATTENED, (np.ravel(gamma) * whitened + np.ravel(beta)).reshape(x.shape)
    yield FLATTENED, _affine(whitened.reshape(x.shape), gamma, beta)
    if x.shape[0] > 1:
        rows = _channel_rows(x)
        whitened = (rows - rows.mean(axis=1, keepdims=True)) / np.sqrt(rows.var(axis=1, keepdims=True) + EPS)
        yield ROWS_OF_C, (np.ravel(gamma)[:, None] * whitened + np.ravel(beta)[:, None]).reshape(x.shape)
    C = x.shape[1]
    for start_mean, start_var, when in ((np.zeros(C), np.ones(C), "before"), (None, None, "after")):
        if start_mean is None:  # a fresh layer's running statistics after this forward's update
            count = x.size // C
            start_mean = MOMENTUM * centre.ravel()
            start_var = (1 - MOMENTUM) + MOMENTUM * spread.ravel() * count / (count - 1)
        yield (Hint("mode", f"your output is normalised with the running statistics ({when} this call's update): "
                            "in training mode normalise with the batch's own mean and variance; the running ones "
                            "are for evaluation mode"),
               _affine(_whiten(x, _channel(start_mean), _channel(start_var)), gamma, beta))


def _eval_mistakes(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, mean: np.ndarray,
                   var: np.ndarray) -> Iterator[tuple[Hint, np.ndarray]]:
    """(the mistake, the output it gives) for the usual mistakes of an evaluation-mode forward."""
    centre, spread = _batch_moments(x)
    yield (Hint("mode", "in evaluation mode your output is normalised with the batch's own statistics: normalise "
                        "with running_mean and running_var (what training estimated), so that an image's output does "
                        "not depend on the rest of its batch"), _affine(_whiten(x, centre, spread), gamma, beta))
    yield (Hint("eps", "your evaluation-mode output is normalised by sqrt(running_var) + eps: eps goes inside the "
                       "square root, sqrt(running_var + eps)"),
           _affine(_whiten(x, _channel(mean), _channel(var), inside=False), gamma, beta))
    yield (Hint("mode", "your evaluation-mode output divides by running_var: it is a variance, divide by "
                        "sqrt(running_var + eps)"), _affine((x - _channel(mean)) / _channel(var + EPS), gamma, beta))
    normalised = _whiten(x, _channel(mean), _channel(var))
    yield (Hint("eval", "your evaluation-mode output is the normalised x alone: scale and shift it, gamma * xhat + "
                        "beta, in evaluation mode as in training mode"), normalised)
    yield (Hint("eps", "your evaluation-mode output leaves out eps: normalise by sqrt(running_var + eps), as training "
                       "mode does with the batch variance"), _affine(_whiten(x, _channel(mean), _channel(var - EPS)),
                                                                       gamma, beta))
    rows = _flattened(x)
    yield FLATTENED, (np.ravel(gamma) * (rows - mean) / np.sqrt(var + EPS) + np.ravel(beta)).reshape(x.shape)
    if x.shape[0] > 1:
        rows = _channel_rows(x)
        yield ROWS_OF_C, (np.ravel(gamma)[:, None] * (rows - mean[:, None]) / np.sqrt(var[:, None] + EPS)
                          + np.ravel(beta)[:, None]).reshape(x.shape)
    count = x.size // x.shape[1]
    moved_mean = (1 - MOMENTUM) * mean + MOMENTUM * centre.ravel()
    moved_var = (1 - MOMENTUM) * var + MOMENTUM * spread.ravel() * count / (count - 1)
    yield (Hint("eval_updates", "your evaluation-mode output is normalised with running statistics that this very "
                                "call updated first: in evaluation mode only read them (update them only when "
                                "self.training is True)"),
           _affine(_whiten(x, _channel(moved_mean), _channel(moved_var)), gamma, beta))


# ---------------------------------------------------------------- diagnosis

def valid(case: Any) -> bool:
    return case.N * case.H * case.W >= MIN_VALUES


def variants(case: Case) -> Iterator[tuple[str, Case]]:
    """The same values per channel laid out with one feature removed: one pixel per image, one image, one channel."""
    if case.H * case.W > 1:
        yield "spatial", case._replace(N=case.N * case.H * case.W, H=1, W=1)
    if case.N > 1:
        yield "batch", case._replace(N=1, W=case.N * case.W)
    if case.C > 1:
        yield "channels", case._replace(C=1)


def crash_hint(impl: Any, case: Case) -> Hint | None:
    """Your forward raises on one image (N = 1) whose channels still hold N*H*W >= 2 values, and runs on the same
    values laid out as two images: a division by N - 1, the batch size, where N*H*W - 1 belongs."""
    if case.N != 1 or case.H * case.W < 2:
        return None
    halves = case._replace(N=2, H=case.H // 2, W=case.W) if case.H % 2 == 0 else case._replace(N=2, W=case.W // 2)
    if halves.H * halves.W == 0 or halves.N * halves.H * halves.W != case.H * case.W:
        halves = case._replace(N=2)
    try:
        layer = construct(impl.BatchNorm2D, case.C, momentum=MOMENTUM, eps=EPS)
        call(layer, "forward", make_input(halves, np.random.default_rng(case.seed)))
    except CheckFailure:
        return None
    try:
        call(construct(impl.BatchNorm2D, case.C, momentum=MOMENTUM, eps=EPS), "forward",
             make_input(case, np.random.default_rng(case.seed)))
        return None  # it runs here after all: not this
    except CheckFailure as failure:
        by_zero = "ZeroDivisionError" in failure.message
    M = case.H * case.W
    if not by_zero:
        return Hint("batch", f"your forward raises with one image although its {M} values per channel make a valid "
                             f"batch, and runs with two images: something in it needs N > 1 (a division by N - 1, or "
                             f"an axis that .squeeze() drops when N = 1)")
    return Hint("unbiased_var", f"your forward raises with one image although its {M} values per channel make a valid "
                                f"batch, and runs with two images: it divides by N - 1 = 0 (an unbiased factor N / "
                                f"(N - 1) from the batch size?); a channel's values number M = N*H*W, so the unbiased "
                                f"variance for running_var is var * M / (M - 1)")


def _counterfactuals() -> dict[tuple[str, str], Hint]:
    found = {}
    for tensor, what in (("x", "dx"), ("gamma", "dgamma"), ("beta", "dbeta")):
        found["spatial", tensor] = Hint("axis", f"correct with one pixel per image (H = W = 1), wrong with more: your "
                                                f"{what} reduces over N only, or counts N values where a channel has "
                                                "N*H*W; the statistics (and dgamma, dbeta) run over N, H and W, "
                                                "axis=(0, 2, 3), and their count is N*H*W")
        found["batch", tensor] = Hint("batch", f"correct for one image, wrong for several: your {what} treats the "
                                               "images separately; each channel's statistics (and dgamma, dbeta) run "
                                               "over the whole batch as well as H and W, axis=(0, 2, 3)")
        found["channels", tensor] = Hint("channels", f"correct with one channel, wrong with more: in your {what} the "
                                                     "channels mix; each channel has its own mean, variance, gamma "
                                                     "and beta, so reduce over (0, 2, 3) and broadcast with shape "
                                                     "(1, C, 1, 1)")
    return found


COUNTERFACTUAL_HINTS: dict[tuple[str, str], Hint] = _counterfactuals()
SQUARE = Hint("square", "correct for square images (H = W), wrong when H != W: somewhere H is used where W belongs (or "
                        "the reverse), such as a count N*H*H, a reshape or a loop with H twice")


def refine_counterfactual(case: Case, feature: str, tensor: str, passes: Any) -> Hint | None:
    """One pixel per image passes, and so does a square image: the mistake mixes up H and W, not the axes."""
    if feature == "spatial" and case.H != case.W:
        square = case._replace(H=max(case.H, case.W), W=max(case.H, case.W))
        if valid(square) and passes(square):
            return SQUARE
    return None


def _fits(target: np.ndarray, pattern: np.ndarray) -> np.ndarray | None:
    """k with target[:, c] = k[c] * pattern[:, c] exactly for every channel c, else None."""
    factors = []
    for c in range(target.shape[1]):
        t, p = target[:, c].ravel(), pattern[:, c].ravel()
        k = float(t @ p / (p @ p)) if np.any(p) else 0.0
        if not close(t, k * p):
            return None
        factors.append(k)
    return np.array(factors)


def scale_hint(case: Case, tensor: str, ratio: float) -> Hint | None:
    """Your dgamma or dbeta is `ratio` x the true one: averaged over N, H and W (or the batch) instead of summed."""
    if tensor not in ("gamma", "beta"):
        return None
    for count, over in ((case.N * case.H * case.W, "N, H and W"), (case.N, "the batch N")):
        if count > 1 and abs(ratio * count - 1) < 1e-9:
            return Hint("sum", f"your d{tensor} is the true one divided by {count}: it averages over {over} (a mean) "
                               f"where the gradient sums, d{tensor}[c] = sum over N, H, W of "
                               f"{'dout * xhat' if tensor == 'gamma' else 'dout'}")
    return None


def dx_hint(dx: np.ndarray, dout: np.ndarray, x: np.ndarray) -> Hint | None:
    """Read dx channel by channel as a multiple of one of the usual partial results.

    The true dx is, per channel, gamma / sqrt(var + eps) times (dout - mean(dout) - xhat * mean(dout * xhat)), means
    over N, H, W. A dx that is a per-channel multiple of dout alone, or lacks one of the two subtracted terms, left out
    a path through the batch statistics; one equal to the full form without the factor gamma forgot gamma. A pattern
    that the true form also fits (two values per channel, say) names nothing."""
    centre, spread = _batch_moments(x)
    xhat = _whiten(x, centre, spread)
    slope = np.mean(dout * xhat, axis=PER_CHANNEL, keepdims=True)
    level = np.mean(dout, axis=PER_CHANNEL, keepdims=True)
    true_form = dout - level - xhat * slope
    partial = [
        (dout, "your dx is dout times one number per channel: you treated the batch mean and variance as constants. "
               "Every x[n, c, h, w] also moves mean[c] and var[c], which all outputs of channel c use: dx = gamma / "
               "sqrt(var + eps) * (dout - mean(dout) - xhat * mean(dout * xhat)), means over N, H and W"),
        (dout - level, "your dx lacks the path through the variance: subtract xhat * mean(dout * xhat) too (means over "
                       "N, H and W); dx = gamma / sqrt(var + eps) * (dout - mean(dout) - xhat * mean(dout * xhat))"),
        (dout - xhat * slope, "your dx lacks the path through the mean: subtract mean(dout) too (over N, H and W); "
                              "dx = gamma / sqrt(var + eps) * (dout - mean(dout) - xhat * mean(dout * xhat))"),
    ]
    for pattern, text in partial:
        if _fits(dx, pattern) is not None and _fits(true_form, pattern) is None:
            return Hint("mean_terms", text)
    if close(dx, true_form / np.sqrt(spread + EPS)):
        return Hint("scale", "your dx is the true one divided by gamma: the factor gamma[c] of out = gamma * xhat + "
                             "beta is missing (dxhat = dout * gamma)")
    return _terms_hint(dx, [dout, np.broadcast_to(level, dx.shape), xhat * slope], (spread + EPS).ravel())


def _std_readings(variance: np.ndarray, count: int) -> list[tuple[np.ndarray, str]]:
    """(factor per channel, what it means): a backward whose every term is the true one times `factor`, for the
    usual slips in the 1 / sqrt(var + eps) of backward alone (forward right). `variance`: (C,), ddof 0."""
    std = np.sqrt(variance + EPS)
    unbiased = variance * count / max(count - 1, 1)
    return [
        (std / np.sqrt(variance), "backward divides by sqrt(var) where forward divided by sqrt(var + eps): eps is "
                                  "missing from backward's standard deviation (keep 1 / sqrt(var + eps) from forward)"),
        (std / (np.sqrt(variance) + EPS), "backward divides by sqrt(var) + eps where forward divided by sqrt(var + "
                                          "eps): eps sits outside the square root in backward only"),
        (std / np.sqrt(unbiased + EPS), "backward's variance divides by N*H*W - 1 (unbiased) where forward's divided "
                                        "by N*H*W: normalise with the biased batch variance in both (keep it from "
                                        "forward)"),
        (std, "backward never divides by sqrt(var + eps): dx = gamma / sqrt(var + eps) * (dout - mean(dout) - xhat * "
              "mean(dout * xhat))"),
        (1 / std, "backward divides by sqrt(var + eps) twice, or by var + eps: dx = gamma / sqrt(var + eps) * (dout - "
                  "mean(dout) - xhat * mean(dout * xhat))"),
    ]


def dx_against_true_hint(impl: Any, case: Case, dx: np.ndarray, dout: np.ndarray, x: np.ndarray,
                         expected: np.ndarray) -> Hint | None:
    """Your dx (N, C, H, W) is the true one (`expected`, numerical) times one factor per channel that a slip in
    backward's 1 / sqrt(var + eps) explains, e.g. sqrt((var + eps) / var) when backward leaves eps out.

    The factor can differ from 1 by a few parts in a million (eps = 1e-5 against a variance near 1), far above the
    numerical gradient's error (about 1e-9 relative), so a reading must match each channel's deviation from 1 to 2%."""
    if dx.shape != expected.shape or dx.ndim != 4 or not np.all(np.isfinite(dx)):
        return None
    _, spread = _batch_moments(x)
    top = np.sum(dx * expected, axis=PER_CHANNEL)
    bottom = np.sum(expected * expected, axis=PER_CHANNEL)
    if np.any(bottom == 0):
        return None
    factor = top / bottom
    rest = np.sqrt(np.sum((dx - _channel(factor) * expected) ** 2, axis=PER_CHANNEL) / bottom)
    count = dx.shape[0] * dx.shape[2] * dx.shape[3]
    for wanted, meaning in _std_readings(spread.ravel(), count):
        off = np.abs(wanted - 1)
        if np.all(off > 1e-8) and np.all(np.abs(factor - wanted) <= 0.02 * off) and np.all(rest <= 0.02 * off):
            return Hint("eps", f"your dx is the true one times {wanted[0]:.8g} in channel 0 (one factor per channel): "
                               f"{meaning}")
    return None


def _terms_hint(dx: np.ndarray, terms: list[np.ndarray], variance: np.ndarray) -> Hint | None:
    """dx read per channel as a * dout + b * mean(dout) + c * xhat * mean(dout * xhat), exactly; the contract's has
    b = c = -a. Names the terms whose factor is off, as multiples of a (channel 0's numbers), and a factor that is
    a power of `variance` (var + eps, per channel: an exponent off in the chain rule), or None."""
    values = dx.shape[0] * dx.shape[2] * dx.shape[3]
    if values < len(terms) + 1 or not all(np.all(np.isfinite(t)) for t in (dx, *terms)):
        return None  # too few values per channel to tell the terms apart (and to check the fit), or NaN
    found = []
    for channel in range(dx.shape[1]):
        basis = np.stack([t[:, channel].ravel() for t in terms], axis=1)
        target = dx[:, channel].ravel()
        coefficients, *_ = np.linalg.lstsq(basis, target, rcond=None)
        if not close(basis @ coefficients, target) or abs(coefficients[0]) < 1e-12:
            return None
        found.append(coefficients / coefficients[0])
    names = ("mean(dout)", "xhat * mean(dout * xhat)")
    off = [(name, float(found[0][i + 1])) if not np.allclose([f[i + 1] for f in found], -1.0, rtol=1e-6) else None
           for i, name in enumerate(names)]
    off = [(i, entry) for i, entry in enumerate(off) if entry is not None]
    if not off:
        return None
    def power(i: int) -> str:
        """ " (-1 x (var + eps)**p)" when the factor of term i is that in every channel."""
        ratios = np.array([-f[i + 1] for f in found])
        if np.any(ratios <= 0) or np.any(np.abs(np.log(variance)) < 1e-3):
            return ""
        exponent = np.log(ratios) / np.log(variance)
        p = round(float(exponent[0]) * 2) / 2
        return f" (that is -1 x (var + eps)**{p:g}: an exponent in your chain rule is off by {p:g})" if (
            p and np.allclose(exponent, p, atol=1e-6)) else ""

    channels = dx.shape[1]

    def why(i: int, k: float) -> str:
        """What a term's factor k says: a sign, a term left out, a count off, or an exponent off."""
        if abs(k - 1) < 1e-6:
            return " (its sign is flipped)"
        if abs(k) < 1e-6:
            return " (left out)"
        if abs(k + values / (values - 1)) < 1e-6:
            return (f" (M / (M - 1) of it, M = N*H*W = {values}: a mean divided by M - 1 where it divides by M; the "
                    "biased variance, and every mean in backward, divide by M)")
        N, _, H, W = dx.shape
        counts = {}
        for label, count in (("N", N), ("N*H", N * H), ("N*W", N * W), ("H*W", H * W)):
            if count != values and abs(k + values / count) < 1e-6:
                counts.setdefault(count, []).append(label)
        for count, labels in counts.items():
            return (f" ({values / count:g} times the true one: its sums are divided by {' or '.join(labels)} = {count} "
                    f"where a channel holds M = N*H*W = {values} values; every mean in backward divides by N*H*W)")
        if channels > 1 and abs(k + 1 / channels) < 1e-6:
            return (f" (1 / C of it, C = {channels}: the count includes the channels, N*C*H*W (dout.size) where each "
                    "channel's mean divides by N*H*W)")
        return power(i)

    reading = "; ".join(f"{name} enters with {k:+.4g} x the factor of dout" + why(i, k) for i, (name, k) in off)
    return Hint("mean_terms", f"your dx is, per channel, a combination of dout, mean(dout) and xhat * mean(dout * xhat); "
                              f"in channel 0: {reading}; in dx = gamma / sqrt(var + eps) * (dout - mean(dout) - xhat * "
                              "mean(dout * xhat)) both enter with -1 x the factor of dout")


def param_grad_hint(tensor: str, grad: np.ndarray, dout: np.ndarray, x: np.ndarray) -> Hint | None:
    """Read dgamma or dbeta (C,) as a known wrong sum over N, H and W: of dout * x (x not normalised), of the other
    parameter's product, or of dout * xhat with eps placed otherwise."""
    centre, spread = _batch_moments(x)
    xhat = _whiten(x, centre, spread)
    sums = {"dout * x": np.sum(dout * x, axis=PER_CHANNEL), "dout": np.sum(dout, axis=PER_CHANNEL),
            "dout * xhat": np.sum(dout * xhat, axis=PER_CHANNEL)}
    right = "dout * xhat" if tensor == "gamma" else "dout"
    for wrong, value in sums.items():
        if wrong != right and not close(sums[right], value) and close(grad, value):
            why = (": gamma scales the normalised x, so dgamma sums dout * xhat with xhat = (x - mean) / sqrt(var + "
                   "eps) (keep xhat from forward)" if wrong == "dout * x" else
                   f": that is d{'beta' if tensor == 'gamma' else 'gamma'}'s sum; swap the two")
            return Hint("swapped" if wrong != "dout * x" else "xhat",
                        f"your d{tensor} is the sum of {wrong} over N, H and W{why}; d{tensor} = sum of {right}")
    return None


def forward_hint(impl: Any, config: dict[str, int], example: dict[str, np.ndarray]) -> Hint | None:
    """Your output on a stored example, recognised as one of the usual mistakes (exactly, never a resemblance)."""
    layer = build_from_config(impl, config)
    for key in PARAMS:
        layer.params[key][...] = example[key]
    try:
        out = call(layer, "forward", example["x"].copy())
    except CheckFailure:
        return None
    x, gamma, beta = example["x"], example["gamma"], example["beta"]
    if config["training"]:
        mistakes = _training_mistakes(x, gamma, beta)
    else:
        mistakes = _eval_mistakes(x, gamma, beta, *_running_of_example(config["C"]))
    for hint, wrong in mistakes:
        if forward_hints.same(out, wrong):
            return hint
    return None


# ---------------------------------------------------------------- stored examples, pictures, fingerprints

CONFIG_FIELDS = ("C", "training")

# Stored forward examples (`python -m gradkit.release.fixtures` writes them from the reference): (x shape, settings).
# Training mode (training=1) with 1 to 3 channels, one image or several, one row or several; evaluation mode
# (training=0) with the running statistics of `_running_of_example`.
EXAMPLES = [
    ((2, 3, 4, 5), dict(C=3, training=1)),
    ((4, 2, 1, 3), dict(C=2, training=1)),
    ((1, 1, 3, 2), dict(C=1, training=1)),
    ((2, 3, 2, 3), dict(C=3, training=0)),
    ((3, 2, 1, 2), dict(C=2, training=0)),
]


def _running_of_example(C: int) -> tuple[np.ndarray, np.ndarray]:
    """The running statistics an evaluation-mode example is built with: means in [-0.5, 1], variances in [0.5, 2]."""
    if C == 1:
        return np.array([0.25]), np.array([1.5])
    return np.linspace(-0.5, 1.0, C), np.linspace(2.0, 0.5, C)


def build_from_config(impl: Any, config: dict[str, int]) -> Any:
    layer = construct(impl.BatchNorm2D, config["C"], momentum=MOMENTUM, eps=EPS)
    if not config["training"]:
        mean, var = _running_of_example(config["C"])
        _set(layer, "running_mean", mean)
        _set(layer, "running_var", var)
        call(layer, "eval")
    return layer


def stores_gradients(config: dict[str, int]) -> bool:
    """Only training-mode examples hold gradients: the contract leaves evaluation mode's backward open."""
    return bool(config["training"])


def formula(config: dict[str, int], x_shape: tuple[int, ...]) -> str:
    return Case.out_formula


PLOT_CASE = Case(N=4, C=2, H=3, W=3, seed=0)


def another_size(case: Case) -> Case:
    """The same layer's case on another input size: one image more, one row and two columns more."""
    return case._replace(N=case.N + 1, H=case.H + 1, W=case.W + 2)


def enlarged(case: Case) -> Case:
    return case._replace(N=max(case.N, 4), C=max(case.C, 2), H=max(case.H, 3), W=max(case.W, 3))


PROBE_CASES = [Case(N=2, C=2, H=2, W=3, seed=111), Case(N=3, C=1, H=1, W=2, seed=112)]


# ---------------------------------------------------------------- the contract beyond training mode

def check_forward_extra(impl: Implementation) -> None:
    """Evaluation mode keeps the forward contract too: x's shape and dtype (the running statistics are float64, so a
    float32 input gives float64 unless they are cast), finite, x unchanged."""
    case = Case(N=2, C=3, H=2, W=3, seed=0)
    rng = np.random.default_rng(17)
    x = make_input(case, rng)
    for dtype in (np.float64, np.float32):
        layer = build(impl, case, rng)
        _set(layer, "running_mean", inputs.gaussian(rng, (case.C,)))
        _set(layer, "running_var", rng.uniform(0.5, 2.0, case.C))
        call(layer, "eval")
        try:
            contract.checked_forward(layer, x.astype(dtype), case.out_shape, case.out_formula)
        except CheckFailure as failure:
            failure.message = failure.message.replace(f"{CLS}.forward", f"{CLS}.forward in evaluation mode", 1)
            if failure.hint == "dtype":
                failure.message += ("\n  hint: running_mean, running_var, gamma and beta are float64, so the result is "
                                    "too: return it cast to x.dtype (out.astype(x.dtype)), in evaluation mode as in "
                                    "training mode")
            failure.message += f"\n  case: {str(case).replace('training', 'evaluation')}"
            raise
    _accurate_for_a_large_mean(impl)


def _training_out(impl: Implementation, case: Case, x: np.ndarray) -> np.ndarray:
    """Your training-mode output on x from a fresh layer (gamma ones, beta zeros), as float64."""
    layer = build(impl, case, np.random.default_rng(0))
    return contract.checked_forward(layer, x, case.out_shape, case.out_formula).astype(np.float64)


def _normalised(x: np.ndarray) -> np.ndarray:
    """The contract's training-mode output of a fresh layer: each channel of x (float64) normalised over N, H, W."""
    mean, var = x.mean(axis=(0, 2, 3), keepdims=True), x.var(axis=(0, 2, 3), keepdims=True)
    return (x - mean) / np.sqrt(var + EPS)


def _accurate_for_a_large_mean(impl: Implementation) -> None:
    """Training-mode forward on float32 data far from zero (mean about 1000, standard deviation 1, as raw features
    can be) is accurate to float32: a variance taken as E[x^2] - E[x]^2 loses almost every digit there."""
    case = Case(N=4, C=2, H=3, W=3, seed=0)
    rng = np.random.default_rng(23)
    ordinary = rng.standard_normal(case.x_shape)
    if np.abs(_training_out(impl, case, ordinary) - _normalised(ordinary)).max() > 1e-6:
        return  # wrong on ordinary data too: the forward-value tests charge that (one mistake, one charge)
    x = (1000.0 + rng.standard_normal(case.x_shape)).astype(np.float32)
    out = _training_out(impl, case, x)
    want = _normalised(x.astype(np.float64))
    error = np.abs(out - want)
    if error.max() <= 1e-2 * max(1.0, float(np.abs(want).max())):
        return
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(error)), error.shape))
    raise CheckFailure(
        f"{CLS}.forward in training mode is inaccurate on float32 data with a large mean (about 1000, standard "
        f"deviation 1): out{list(worst)} = {out[worst]:+.5g}, expected {want[worst]:+.5g}\n  hint: a variance computed "
        f"as mean(x**2) - mean(x)**2 cancels in float32 when the mean is large; take the mean first, then the mean "
        f"of (x - mean)**2 (as np.var does), or compute the statistics in float64\n  case: {case}, x of float32",
        tensor="out", hint="cancellation")


def _moved(mean: np.ndarray, var: np.ndarray, batches: list[np.ndarray], momentum: float, *, reverse: bool = False,
           ddof: int = 1, root: bool = False, flattened: bool = False,
           channel_rows: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Running statistics after training-mode forwards on `batches`: the contract's update, or (options) a known
    mistake: `reverse` (momentum weighs the old value), `ddof=0` (biased variance), `root` (the standard deviation),
    `flattened` (batch statistics of `x.reshape(-1, C)`, which mixes channels), `channel_rows` (of the rows of
    `x.reshape(C, -1)`, which mix channels and images)."""
    keep, take = (momentum, 1 - momentum) if reverse else (1 - momentum, momentum)
    for batch in batches:
        if flattened:
            rows = _flattened(batch)
            centre, spread = rows.mean(axis=0), rows.var(axis=0, ddof=ddof)
        elif channel_rows:
            rows = _channel_rows(batch)
            centre, spread = rows.mean(axis=1), rows.var(axis=1, ddof=ddof)
        else:
            centre, spread = _batch_moments(batch, ddof=ddof)
        new_var = np.sqrt(spread) if root else spread
        mean, var = keep * mean + take * centre.ravel(), keep * var + take * new_var.ravel()
    return mean, var


RULE = ("the update is running = (1 - momentum) * running + momentum * batch statistic, with the unbiased batch "
        "variance (divided by N*H*W - 1) for running_var")


def _mistakes() -> list[tuple[str, str, dict[str, Any]]]:
    """Known wrong updates: (hint id, what your statistics did, options of `_moved`)."""
    return [
        ("momentum_convention", "moved exactly as with the momentum convention reversed, running = momentum * running "
                                "+ (1 - momentum) * batch: momentum is the weight of the new batch (PyTorch's "
                                "convention)", {"reverse": True}),
        ("momentum_convention", "moved exactly as with the momentum convention reversed and the biased variance",
         {"reverse": True, "ddof": 0}),
        ("unbiased_var", "moved exactly as with the biased batch variance (divided by N*H*W): running_var takes the "
                         "unbiased one (divided by N*H*W - 1, np.var(..., ddof=1)), as PyTorch does; only the "
                         "normalisation uses the biased one", {"ddof": 0}),
        ("running_stats", "moved exactly as with the batch's standard deviation: running_var holds a variance",
         {"root": True}),
        ("running_stats", "are exactly the last batch's statistics: blend them, running = (1 - momentum) * running + "
                          "momentum * batch", {"momentum": 1.0}),
        ("running_stats", "never changed: every training-mode forward updates them", {"momentum": 0.0}),
        ("axis", f"moved exactly as with the batch statistics of x.reshape(-1, C), which mix channels: {MIXED}",
         {"flattened": True}),
        ("axis", f"moved exactly as with the statistics of the rows of x.reshape(C, -1), which mix channels and "
                 f"images: {CHANNEL_ROWS}", {"channel_rows": True}),
    ]


def _first_difference(mine: np.ndarray, want: np.ndarray) -> int:
    return int(np.argmax(np.abs(mine - want)))


@remembers_case
def check_running_statistics(impl: Implementation, case: RunningCase) -> None:
    """After training-mode forwards, running_mean and running_var are where the contract's update takes them, from
    values the check sets (not the constructor's zeros and ones, which hide an update that drops the old value)."""
    rng = np.random.default_rng(case.seed)
    layer = construct(impl.BatchNorm2D, case.C, momentum=case.momentum, eps=EPS)
    start = inputs.gaussian(rng, (case.C,)), rng.uniform(0.5, 2.0, case.C)
    _set(layer, "running_mean", start[0])
    _set(layer, "running_var", start[1])
    batches = [make_input(case, rng) for _ in range(case.steps)]
    for batch in batches:
        try:
            call(layer, "forward", batch.copy())  # the output is the forward tests' business
        except StudentCodeError as failure:
            if case.N * case.H * case.W == 2 and case.N > 1:  # one image: crash_hint tells more
                failure.message += ("\n  hint: two values per channel (N*H*W = 2) are a valid training batch: the "
                                    "unbiased variance divides by N*H*W - 1 = 1; only N*H*W < 2 may be refused")
            failure.tensor = failure.tensor or "out"  # forward gave no output, so no running statistics either
            raise
    when = f"after {plural(case.steps, 'training-mode forward call')}"
    mine = {"running_mean": _read(layer, "running_mean", case.C, when),
            "running_var": _read(layer, "running_var", case.C, when)}
    want = dict(zip(("running_mean", "running_var"), _moved(*start, batches, case.momentum)))
    for index, name in enumerate(("running_mean", "running_var")):
        if np.allclose(mine[name], want[name], rtol=1e-9, atol=1e-12):
            continue
        hint, why = None, f"compare your update with the contract's: {RULE}"
        for alt_hint, alt_why, options in _mistakes():
            moved = _moved(*start, batches, options.get("momentum", case.momentum),
                           **{k: v for k, v in options.items() if k != "momentum"})
            if np.allclose(mine[name], moved[index], rtol=1e-9, atol=1e-12):
                hint, why = alt_hint, f"your {name} {alt_why}"
                break
        c = _first_difference(mine[name], want[name])
        if hint is None and case.steps == 1:
            other = ("running_mean", "running_var")[1 - index]
            hint, why = _blended(name, mine[name][c], (start[index][c], start[1 - index][c], mine[other][c]),
                                 batches[0][:, c], case.momentum) or (hint, why)
        raise CheckFailure(
            f"{CLS}.forward (training mode) left {name} wrong {when}\n"
            f"  {name}[{c}]: {yours_and(mine[name][c], want[name][c])} (it started at "
            f"{start[index][c]:+.6g}, momentum={case.momentum})\n"
            f"  hint: {why}\n  case: {case}", tensor=name, hint=hint)
    _running_statistics_stay_float64(impl, case)


def _blended(name: str, mine: float, starts: tuple[float, float, float], values: np.ndarray,
             momentum: float) -> tuple[str | None, str] | None:
    """(hint id, why): what your single update of one channel blended: the old value carried over (the other running
    statistic's, before or after its own update: `starts` = (this one's start, the other's start, the other's value
    now)), or the statistic of `values` (N, H, W) read back from your running value, (mine - (1 - momentum) * start)
    / momentum, and named when it is a known one."""
    if not momentum:
        return None
    started, *others = starts
    count = values.size
    biased = float(values.var())
    statistic = float(values.mean()) if name == "running_mean" else biased * count / max(count - 1, 1)
    carried = (mine - momentum * statistic) / (1 - momentum) if momentum < 1 and count > 1 else None
    for other in others if carried is not None else ():
        if abs(carried - other) <= 1e-9 * max(1.0, abs(other)) and abs(other - started) > 1e-6:
            theirs = "running_var" if name == "running_mean" else "running_mean"
            return "running_stats", (f"your {name} update carries over {theirs} ({other:.6g}) where its own old value "
                                     f"({started:.6g}) belongs: {name} = (1 - momentum) * {name} + momentum * batch "
                                     f"statistic; the statistic it blended in is right")
    took = (mine - (1 - momentum) * started) / momentum
    whole = count / (count - 1) * ((1 - momentum) * started + momentum * biased) if count > 1 else None
    if name == "running_var" and whole is not None and abs(mine - whole) <= 1e-9 * max(1.0, abs(whole)):
        return "unbiased_var", (f"your running_var is M / (M - 1) * ((1 - momentum) * running_var + momentum * "
                                f"biased batch variance), M = N*H*W = {count}: the factor M / (M - 1) multiplies the "
                                f"whole update, where it belongs to the batch variance alone ({RULE})")
    readings = ({"the batch mean": float(values.mean())} if name == "running_mean" else {
        "the unbiased batch variance": biased * count / (count - 1), "the biased batch variance": biased,
        "the biased batch variance + eps": biased + EPS, "(the biased batch variance + eps) * M / (M - 1)":
        (biased + EPS) * count / (count - 1), "the unbiased batch variance + eps": biased * count / (count - 1) + EPS,
        "the batch standard deviation": float(np.sqrt(biased))})
    images = values.shape[0]
    if name == "running_var" and images != count:  # Bessel's correction counted in images, not values per channel
        readings[f"the biased batch variance * N / (N - 1), Bessel's correction with the batch size N = {images} "
                 f"where the count per channel M = N*H*W = {count} belongs"] = (
            biased * images / (images - 1) if images > 1 else math.inf)
    named = [what for what, value in readings.items()
             if abs(took - value) <= 1e-9 * max(1.0, abs(value)) or math.isinf(took) and took == value]
    right = "the batch mean" if name == "running_mean" else "the unbiased batch variance"
    if named == [right]:
        return None  # the statistic is right: the blend itself is not
    if not named:  # the old value carried over may be the wrong one as well: say what the arithmetic reads
        return None, (f"read as (1 - momentum) * old {name} + momentum * s, your update took s = {took:.6g}, where "
                      f"{right} is {readings[right]:.6g}: the statistic blended in, or the old value carried over, is "
                      f"not the contract's ({RULE})")
    hint = ("eps" if any("eps" in what for what in named) else "unbiased_var" if any("biased" in what for what in named)
            else "running_stats")
    return hint, (f"your update blended in {took:.6g}, that is {' or '.join(named)}, where {right} is "
                  f"{readings[right]:.6g} ({RULE}; eps belongs only in the normalisation's square root)")


def _running_statistics_stay_float64(impl: Implementation, case: RunningCase) -> None:
    """A training-mode forward on float32 x leaves running_mean and running_var float64 (the contract's dtype: the
    averages of a whole training run should not lose digits to x's)."""
    layer = construct(impl.BatchNorm2D, case.C, momentum=case.momentum, eps=EPS)
    call(layer, "forward", make_input(case, np.random.default_rng(case.seed + 1)).astype(np.float32))
    for name in ("running_mean", "running_var"):
        value = getattr(layer, name, None)
        if isinstance(value, np.ndarray) and value.dtype != np.float64:
            raise CheckFailure(
                f"{CLS}.forward (training mode) on float32 x turned {name} into a {value.dtype} array; it must stay "
                f"float64\n  hint: cast out to x's dtype, never the running statistics (no .astype(x.dtype) on "
                f"them, and no new array of x's dtype assigned to them); (1 - momentum) * self.{name} + momentum * "
                f"batch_{name.split('_')[1]} is float64 as it stands\n  case: {case}, x of float32",
                tensor=name, hint="dtype")


@remembers_case
def check_eval_keeps_running_statistics(impl: Implementation, case: RunningCase) -> None:
    """Evaluation-mode forwards read running_mean and running_var and leave them as they are."""
    rng = np.random.default_rng(case.seed)
    layer = construct(impl.BatchNorm2D, case.C, momentum=case.momentum, eps=EPS)
    start = inputs.gaussian(rng, (case.C,)), rng.uniform(0.5, 2.0, case.C)
    _set(layer, "running_mean", start[0])
    _set(layer, "running_var", start[1])
    call(layer, "eval")
    batches = [make_input(case, rng) for _ in range(case.steps)]
    for batch in batches:
        call(layer, "forward", batch.copy())
    when = f"after {plural(case.steps, 'evaluation-mode forward call')}"
    for index, name in enumerate(("running_mean", "running_var")):
        mine = _read(layer, name, case.C, when)
        if np.array_equal(mine, start[index]):
            continue
        c = _first_difference(mine, start[index])
        like = _moved(*start, batches, case.momentum)[index]
        how = (" exactly as a training-mode forward moves it" if np.allclose(mine, like, rtol=1e-9, atol=1e-12)
               else "")
        raise CheckFailure(
            f"{CLS}.forward in evaluation mode changed {name}{how}: {name}[{c}] was {start[index][c]:+.6g}, "
            f"{when} it is {mine[c]:+.6g}\n"
            "  hint: evaluation mode only reads the running statistics; update them only when self.training is True "
            f"(layer.eval() sets it to False)\n  case: {case}", tensor=name, hint="eval_updates")


def check_batchnorm_constructor(impl: Implementation) -> None:
    """The provided constructor and modes: gamma ones, beta zeros, grads zeros, running_mean zeros and running_var
    ones (float64, (C,)); training after construction and train(), not after eval(); momentum 0.1 and eps 1e-5 by
    default."""
    C = 3
    case = Case(N=2, C=C, H=2, W=3, seed=0)
    x = make_input(case, np.random.default_rng(19))
    call(construct(impl.BatchNorm2D, C), "forward", x.copy())  # a stub earns nothing here
    layer = construct(impl.BatchNorm2D, C)
    expected = {"params": {"gamma": np.ones(C), "beta": np.zeros(C)},
                "grads": {"gamma": np.zeros(C), "beta": np.zeros(C)}}
    for attribute, wanted in expected.items():
        found = getattr(layer, attribute, None)
        if not isinstance(found, dict) or set(found) != set(wanted):
            keys = sorted(found) if isinstance(found, dict) else type(found).__name__
            raise CheckFailure(f"{CLS}.__init__ must make {attribute} with keys {sorted(wanted)}; got {keys} (keep the "
                               "provided constructor)", tensor="init")
        for key, value in wanted.items():
            got = found[key]
            if not isinstance(got, np.ndarray) or got.dtype != np.float64 or not np.array_equal(got, value):
                raise CheckFailure(f"{CLS}({C}).{attribute}[{key!r}] must start as float64 {value.tolist()}; got "
                                   f"{got!r} (keep the provided constructor)", tensor="init")
    for name, value in (("running_mean", np.zeros(C)), ("running_var", np.ones(C))):
        got = getattr(layer, name, None)
        if not isinstance(got, np.ndarray) or got.dtype != np.float64 or not np.array_equal(got, value):
            raise CheckFailure(f"{CLS}({C}).{name} must start as float64 {value.tolist()}; got {got!r} (keep the "
                               "provided constructor)", tensor="init")
    probe = construct(impl.BatchNorm2D, C)
    for when, wanted_mode, method in (("after construction", True, None), ("after eval()", False, "eval"),
                                      ("after train()", True, "train")):
        if method is not None:
            call(probe, method)
        state = getattr(probe, "training", None)
        if state is not wanted_mode:
            raise CheckFailure(f"{CLS}.training must be {wanted_mode} {when}; it is {state!r} (keep the provided "
                               "constructor, train() and eval())", tensor="init")
    defaulted, explicit = construct(impl.BatchNorm2D, C), construct(impl.BatchNorm2D, C, momentum=MOMENTUM, eps=EPS)
    call_text, explicit_text = f"{CLS}({C})", f"{CLS}({C}, momentum={MOMENTUM}, eps={EPS})"
    same_forward(defaulted, explicit, x, case.out_formula, call_text, explicit_text)
    for name in ("running_mean", "running_var"):
        mine, want = (_read(one, name, C, "after one forward") for one in (defaulted, explicit))
        if not np.allclose(mine, want, rtol=1e-12, atol=1e-15):
            raise CheckFailure(f"{call_text} moved {name} differently from {explicit_text} in one training-mode forward"
                               f"\n  hint: keep the contract's defaults in __init__'s signature (momentum=0.1, "
                               "eps=1e-5)", tensor="defaults", hint="defaults")
