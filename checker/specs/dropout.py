"""Exercise dropout: Dropout, inverted dropout on an input of any shape (everything the kit knows of it beyond the
generic layer checks).

Dropout's forward is random, so the engine's finite differences cannot judge it: every forward call draws a new
mask, and L(x + h u) and L(x - h u) would see different masks. Its checks here never call forward more than once
per result they judge, and never flake:

* the gradient: for the mask a forward drew, the layer is linear, out = x * m / (1 - p). The mask it drew is
  visible in its own output (x is never 0, so an entry was kept exactly where out != 0), so backward is judged
  against the gradient for that mask, dout * (out != 0) / (1 - p), or against its own forward, dout * out / x (a
  backward consistent with a wrongly scaled forward is right, as a finite-difference check would find, and the
  forward tests charge the forward). Two layers run as in a network (A twice, then B; backward B, backward A), so
  a mask kept in a class attribute, or from an earlier call, shows.
* the keep rate and the scale: on large inputs, generators of fixed seeds, tolerances of 8 standard deviations:
  deterministic for a given implementation, and an honest mask, however it is drawn, lands inside them;
* the mask's source: equally seeded generators give equal masks, other seeds other masks, every call a new one;
* eval mode: stored examples (the identity, whatever the mask); the constructor's promises (p in [0, 1), p = 0.5
  by default, the `training` flag, `eval()` and `train()`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from hypothesis import strategies as st

from gradkit.checker import inputs
from gradkit.checker.contract import checked_backward, checked_forward
from gradkit.checker.guard import call, construct
from gradkit.checker.hints import Hint
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure, StudentCodeError, remembers_case
from gradkit.checker.strategies import seeds
from gradkit.checker.textmaps import digits_apart, fmt_index, yours_and


class DropoutCase(NamedTuple):
    shape: tuple[int, ...]
    p: float
    training: bool
    seed: int

    exercise = "dropout"
    out_formula = "the shape of x"

    @property
    def x_shape(self) -> tuple[int, ...]:
        return self.shape

    @property
    def out_shape(self) -> tuple[int, ...]:
        return self.shape

    @property
    def scale(self) -> float:
        """What forward multiplies a kept entry by: 1 / (1 - p) in training, 1 in eval mode."""
        return 1.0 / (1.0 - self.p) if self.training else 1.0

    def __str__(self) -> str:
        return f"x of shape {self.shape}, p={self.p}, " + ("training mode" if self.training else "eval mode")


Case = DropoutCase

PROBABILITIES = (0.5, 0.25, 0.8)


def cases() -> st.SearchStrategy[Case]:
    """Any shape of 1 to 4 axes, sides 1..5; p from a short list; training mode, or eval mode."""
    shapes = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)
    return st.builds(Case, shape=shapes, p=st.sampled_from(PROBABILITIES), training=st.sampled_from((True, False)),
                     seed=seeds)


dropout_cases = cases

# ---------------------------------------------------------------- building

PARAMS = ()


def build(impl: Any, case: Case, rng: np.random.Generator) -> Any:
    """The layer of `case`, drawing its masks from `rng`, in eval mode if the case says so."""
    layer = construct(impl.Dropout, case.p, rng=rng)
    if not case.training:
        call(layer, "eval")
    return layer


EVAL_CRASH = Hint("eval", "your code raises on this case in evaluation mode and runs it in training mode: in eval "
                         "mode forward is the identity and draws no mask, so backward must return dout itself (a mask "
                         "left from an earlier training call does not apply either); check self.training in backward "
                         "too")


def crash_hint(impl: Implementation, case: Case) -> Hint | None:
    """Code that raises in evaluation mode on `case` but runs the same case in training mode."""
    if case.training:
        return None
    rng = np.random.default_rng(case.seed)
    try:
        layer = build(impl, case._replace(training=True), rng)
        call(layer, "forward", make_input(case, rng))
        call(layer, "backward", np.ones(case.shape))
    except CheckFailure:
        return None
    return EVAL_CRASH


RANDOM = True  # forward draws a new mask on every call: checks that compare two forwards leave it out


def make_input(case: Case, rng: np.random.Generator) -> np.ndarray:
    return inputs.distinct(rng, case.x_shape)  # never 0: where out != 0 is where the mask kept x


def _kept(out: np.ndarray) -> np.ndarray:
    """The entries your forward kept (x is never 0 in these checks)."""
    return out != 0


def _positive(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values in [0.5, 1.5): never 0, so out != 0 exactly where the mask kept an entry."""
    return 0.5 + rng.random(shape)


# ---------------------------------------------------------------- the gradient, with the forward's own mask

class Pass(NamedTuple):
    """One forward and the backward after it (possibly with other calls between, as in a network)."""

    x: np.ndarray
    out: np.ndarray
    dout: np.ndarray
    dx: np.ndarray


class NetworkRun(NamedTuple):
    a: Pass  # the first layer: its second forward call
    b: Pass  # the second layer
    a_earlier: np.ndarray  # the first layer's first forward output (an earlier batch)


def _network_run(impl: Implementation, case: Case) -> NetworkRun:
    """Two layers as in a network: A on an earlier batch, A, B, then backward B, backward A."""
    rng = np.random.default_rng(case.seed)
    layers = [build(impl, case, np.random.default_rng([case.seed, i])) for i in (0, 1)]
    earlier, x_a, x_b = (make_input(case, rng) for _ in range(3))
    a_earlier = checked_forward(layers[0], earlier, case.out_shape, case.out_formula, keep_input=False)
    out_a = checked_forward(layers[0], x_a, case.out_shape, case.out_formula, keep_input=False)
    out_b = checked_forward(layers[1], x_b, case.out_shape, case.out_formula, keep_input=False)
    dout_a, dout_b = inputs.gaussian(rng, case.out_shape), inputs.gaussian(rng, case.out_shape)
    dx_b, _ = checked_backward(layers[1], dout_b, x_b, only="x", after=out_b)
    dx_a, _ = checked_backward(layers[0], dout_a, x_a, only="x", after=out_a)
    return NetworkRun(Pass(x_a, out_a, dout_a, dx_a), Pass(x_b, out_b, dout_b, dx_b), a_earlier)


def _close(a: np.ndarray, b: np.ndarray, dout: np.ndarray) -> bool:
    scale = max(float(np.abs(b).max(initial=0)), float(np.abs(dout).max(initial=0)), 1e-12)
    return a.shape == b.shape and float(np.abs(a - b).max(initial=0)) <= 1e-9 * scale


def expected_dx(run: Pass, case: Case) -> np.ndarray:
    """The gradient for the mask your forward drew: dout where it kept x, times the scale; 0 where it dropped."""
    return run.dout * _kept(run.out) * case.scale


def _dx_right(run: Pass, case: Case) -> bool:
    """Right for your forward's mask, or consistent with your forward itself (out = x * factor, dx = dout * factor)."""
    return _close(run.dx, expected_dx(run, case), run.dout) or _close(run.dx, run.dout * (run.out / run.x), run.dout)


@remembers_case
def check_dx_uses_the_forward_mask(impl: Implementation, case: Case) -> None:
    """dx is dout through the mask of the last forward call, scaled by 1 / (1 - p) (by 1 in eval mode), for each of
    two layers run as in a network."""
    try:
        run = _network_run(impl, case)
    except StudentCodeError as error:
        if error.tensor is None and ".backward raised" in error.message:
            error.tensor = "dx"  # backward raised: dx, the tensor under test, could not be computed
        raise
    for which, one in (("first", run.a), ("second", run.b)):
        if _dx_right(one, case):
            continue
        want = expected_dx(one, case)
        err = np.abs(one.dx - want)
        worst = np.unravel_index(int(np.argmax(err)), err.shape)
        wrong = int(np.count_nonzero(err > 1e-9 * max(float(np.abs(one.dout).max(initial=0)), 1e-12)))
        fate = "kept" if _kept(one.out)[worst] else "dropped"
        failure = CheckFailure(
            f"Dropout.backward: the gradient with respect to x (dx) is wrong\n"
            f"  smallest failing case: {case} (two layers run as in a network; this is the {which} layer's dx)\n"
            f"  {wrong} of {err.size} entries of dx are wrong; worst dx[{fmt_index(worst)}]: yours "
            f"{one.dx[worst]:+.6g}, expected {want[worst]:+.6g} (dout there {one.dout[worst]:+.6g}; your forward "
            f"{fate} that entry)\n"
            f"  expected: dx = dout * mask{' / (1 - p)' if case.training else ''}, with the mask your last forward "
            f"applied (out != 0){'' if case.training else '; in eval mode nothing is dropped, so dx = dout'}",
            tensor="dx")
        failure.case = case
        failure.gradient = "x"  # the plugin asks `diagnose` why, once, on the shrunk case
        raise failure
    if case.training:
        _check_zeros_in_x(impl, case)
    else:
        _check_eval_after_training(impl, case)


def check_forward_extra(impl: Implementation) -> None:
    """An output already returned stays as it was when forward is called again (a network holds every layer's
    output until backward): one buffer handed out on every call would change it."""
    rng = np.random.default_rng(5)
    layer = construct(impl.Dropout, 0.5, rng=np.random.default_rng(6))
    first = call(layer, "forward", rng.uniform(0.5, 1.5, (3, 4)))
    if not isinstance(first, np.ndarray):
        return  # the contract test says what is wrong with it
    kept = first.copy()
    call(layer, "forward", rng.uniform(0.5, 1.5, (3, 4)))
    if kept.shape == first.shape and not np.array_equal(first, kept, equal_nan=True):
        raise CheckFailure(
            "the out that Dropout.forward returned changed when it was called again: it hands out the same buffer "
            "every call\n  hint: return a new array from every call (a network keeps each layer's output until "
            "backward), e.g. x * self.mask, not a buffer allocated once and written into", tensor="out",
            hint="shared_state")


def _check_eval_after_training(impl: Implementation, case: Case) -> None:
    """In eval mode dx is dout, also for a layer that trained before (train, forward, eval, forward, backward): as
    after a validation pass in a training loop. A mask kept from the training call must not apply."""
    rng = np.random.default_rng([case.seed, 11])
    layer = build(impl, case._replace(training=True), np.random.default_rng([case.seed, 12]))
    checked_forward(layer, make_input(case, rng), case.out_shape, case.out_formula, keep_input=False)
    call(layer, "eval")
    x = make_input(case, rng)
    out = checked_forward(layer, x, case.out_shape, case.out_formula, keep_input=False)
    if not _close(out, x, x):
        return  # an eval-mode forward that is not the identity: the eval-mode forward test charges that
    dout = inputs.gaussian(rng, case.out_shape)
    dx, _ = checked_backward(layer, dout, x, only="x", after=out)
    if _close(dx, dout, dout):
        return
    err = np.abs(dx - dout)
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    raise CheckFailure(
        f"Dropout.backward: dx is wrong after a forward in eval mode that followed a forward in training mode\n"
        f"  worst dx[{fmt_index(worst)}]: {yours_and(dx[worst], dout[worst])} (= dout: in eval mode "
        f"forward is the identity)\n"
        f"  hint: your backward still applies the mask of the earlier training call: an eval-mode forward drops "
        f"nothing, so it must also record that (self.mask = None, or check self.training in backward)\n"
        f"  case: {case}, after one forward in training mode", tensor="dx", hint="stale_cache")


def _check_zeros_in_x(impl: Implementation, case: Case) -> None:
    """x may hold zeros (a ReLU before dropout makes many), and dx still flows through every entry the mask kept.
    Judged against a twin layer of an equal seed fed the same x without its zeros: both draw the same mask, which
    depends on x's shape and dtype, never on its values (when the twins' masks differ elsewhere, nothing is judged),
    so your backward must give the twin's dx."""
    rng = np.random.default_rng([case.seed, 7])
    x = make_input(case, rng)
    x_zeros = x.copy()
    x_zeros.flat[::2] = 0.0
    twin, again, layer = (build(impl, case, np.random.default_rng([case.seed, 9])) for _ in range(3))
    twin_out = checked_forward(twin, x, case.out_shape, case.out_formula, keep_input=False)
    kept = _kept(twin_out)
    if not np.array_equal(_kept(checked_forward(again, x, case.out_shape, case.out_formula, keep_input=False)), kept):
        return  # equal seeds, other masks: the mask does not come from the layer's rng (charged elsewhere)
    out = checked_forward(layer, x_zeros, case.out_shape, case.out_formula, keep_input=False)
    nonzero = x_zeros != 0
    if not nonzero.any() or not np.array_equal(_kept(out)[nonzero], kept[nonzero]):
        return  # nothing to compare, or the mask depends on x's values: the twin says nothing about it
    dout = inputs.gaussian(rng, case.out_shape)
    dx, _ = checked_backward(layer, dout, x_zeros, only="x", after=out)
    # What your own backward gives for the same mask on x without zeros: a wrong scale in backward (or in forward)
    # is charged elsewhere, so only where x is 0 may the two differ here.
    want, _ = checked_backward(twin, dout, x, only="x", after=twin_out)
    if _close(dx, want, dout):
        return
    err = np.abs(dx - want)
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    wrong = err > 1e-9 * max(float(np.abs(dout).max(initial=0)), 1e-12)
    at_zero = bool(np.all(x_zeros[wrong] == 0))  # wrong only where x is 0: the mask was read back from out
    hint = ("\n  hint: keep the mask forward drew (self.mask) for backward; a mask read back from the output "
            "(out != 0) also drops the entries where x was 0 but the mask kept them" if at_zero else "")
    raise CheckFailure(
        f"Dropout.backward: the gradient with respect to x (dx) is wrong where x holds zeros\n"
        f"  worst dx[{fmt_index(worst)}]: {yours_and(dx[worst], want[worst])} (x there "
        f"{x_zeros[worst]:+.6g}; the mask {'kept' if kept[worst] else 'dropped'} that entry, as a layer of an "
        f"equal seed shows on x without zeros){hint}\n  case: {case}, every other entry of x set to 0",
        tensor="dx", hint="mask" if at_zero else None)


def dx_mistake(run: NetworkRun, case: Case, masks: bool = True) -> Hint | None:
    """What a wrong dx computed, read from the factor dx / dout on the entries forward kept and dropped.

    With `masks`, also whose mask dx follows (the other layer's, an earlier call's, a new one): only on a case large
    enough that two masks never agree by chance (`MASK_ENTRIES`)."""
    for one, other, earlier in ((run.a, run.b, run.a_earlier), (run.b, run.a, None)):
        if _dx_right(one, case):
            continue
        if not case.training and not np.any(one.dx) and np.any(one.dout):
            return Hint("eval", "in eval mode your dx is all zeros: forward is the identity there, so dx = dout (a "
                                "backward that returns zeros, or multiplies by a mask of zeros, when self.training "
                                "is False)")
        kept = _kept(one.out)
        factor = one.dx / np.where(one.dout == 0, 1.0, one.dout)
        leaks = (~kept) & (one.dx != 0)
        if leaks.any() or not np.array_equal(one.dx != 0, kept & (one.dout != 0)):
            if not masks:
                return None
            if _close(one.dx, one.dout * _kept(other.out) * case.scale, one.dout):
                return Hint("shared_state", "your dx follows the other layer's mask: two Dropout layers share one "
                                            "mask (a class attribute, or a module-level variable); keep the mask on "
                                            "`self`, set in forward")
            if earlier is not None and _close(one.dx, one.dout * _kept(earlier) * case.scale, one.dout):
                return Hint("mask", "your dx follows the mask of an earlier forward call: store the new mask on every "
                                    "forward call, and use the last one in backward")
            if _close(one.dx, one.dout * case.scale, one.dout) or _close(one.dx, one.dout, one.dout):
                return Hint("mask", "your dx lets dout through everywhere, also where forward dropped x: multiply "
                                    "dout by the mask forward used (0 where it dropped an entry)")
            return Hint("mask", "your dx is not zero where forward dropped x, or zero where it kept x: backward uses "
                                "another mask than forward (a new one drawn in backward?); draw the mask once, in "
                                "forward, keep it on self, and multiply dout by that same mask in backward")
        if case.training and _close(one.dx, one.dout * one.out, one.dout):
            return Hint("stale_cache", "your dx is dout times forward's output (out = x * mask / (1 - p)), not times "
                                       "the mask: the cached mask was overwritten by the output (self.mask = out, or "
                                       "out computed into the mask's own array with out=, *= ...); keep the mask apart")
        on_kept = factor[kept & (one.dout != 0)]
        if case.training and kept.any() and np.allclose(one.dx[kept], one.dout[kept] - case.p, rtol=1e-9, atol=1e-12):
            return Hint("scale", "where forward kept x your dx is dout - p: dout / 1 - p is (dout / 1) - p, the "
                                 "division first; parenthesise, dout / (1 - p)")
        if on_kept.size and np.allclose(on_kept, on_kept[0], rtol=1e-9, atol=0):
            c = float(on_kept[0])
            if not case.training:
                why = (f"in eval mode your dx is {c:.4g} x dout: forward is the identity there (inverted dropout "
                       "scales only in training), so dx = dout")
            elif abs(c - 1.0) < 1e-9:
                why = ("your dx is dout times the 0/1 mask, without the factor 1 / (1 - p): forward divides the kept "
                       "entries by 1 - p, so their gradient is dout / (1 - p) too (a boolean mask needs the factor "
                       "written out)")
            elif abs(c - (1 - case.p)) < 1e-9:
                why = (f"where forward kept x your dx is (1 - p) x dout = {c:.4g} x dout: divide by 1 - p as forward "
                       "does, do not multiply by it")
            elif abs(c - case.scale**2) < 1e-9 * case.scale**2:
                why = "your dx is divided by 1 - p twice: the cached mask already holds the factor 1 / (1 - p)"
            else:
                why = (f"where forward kept x your dx is {c:.4g} x dout; it must be dout / (1 - p) = "
                       f"{case.scale:.4g} x dout, the factor forward applied")
            return Hint("scale", why)
    return None


# Two independent masks of 144 entries agree everywhere with probability (p**2 + (1 - p)**2)**144: below 1e-12 for p
# from 0.1 to 0.9, so a mask that dx follows is named only on a case this large.
MASK_SHAPE = (12, 12)
MASK_ENTRIES = 144


def diagnose(impl: Implementation, case: Case, verbose: bool = False) -> tuple[list[str], Hint | None, dict]:
    """Why dx is wrong on `case`: (lines, hint, {"dx": yours/expected}); the engine adds known bugs."""
    run = _network_run(impl, case)
    one = run.a if not _dx_right(run.a, case) else run.b
    want = expected_dx(one, case)
    hint = None
    larger = case if int(np.prod(case.shape)) >= MASK_ENTRIES else case._replace(shape=MASK_SHAPE)
    try:
        big = _network_run(impl, larger)
    except CheckFailure:
        big = None
    if big is not None and not (_dx_right(big.a, larger) and _dx_right(big.b, larger)):
        hint = dx_mistake(big, larger)
    hint = hint or dx_mistake(run, case, masks=False)
    lines = []
    if one.x.size <= 12:
        flat = {"x": one.x, "your out": one.out, "dout": one.dout, "your dx": one.dx, "expected dx": want}
        lines += [f"     {name:<12}" + " ".join(f"{v:+8.3f}" for v in value.ravel()) for name, value in flat.items()]
    if verbose:
        lines += [f"  your dx:\n{np.array2string(one.dx, precision=4)}",
                  f"  expected dx:\n{np.array2string(want, precision=4)}"]
    return lines, hint, {"dx": {"yours": one.dx, "numerical": want}}


# ---------------------------------------------------------------- the forward's statistics

SIGMAS = 8  # the tolerance in standard deviations: an honest mask never falls outside it (probability < 1e-14)
SCALE_PS = (0.2, 0.5, 0.7)
# p != 0.5 first: keeping with probability p shows there; 0.005 last: a p rounded to whole percents drops nothing.
RATE_PS = (0.2, 0.7, 0.5, 0.0, 0.005)
RATE_SHAPE = (40, 50, 50)  # 100,000 entries: one standard deviation of the keep rate is at most 0.0016


def _one_forward(impl: Implementation, p: float, seed: int, x: np.ndarray) -> np.ndarray:
    layer = construct(impl.Dropout, p, rng=np.random.default_rng(seed))
    return checked_forward(layer, x, x.shape, Case.out_formula, keep_input=False)  # a write into x: the contract's


def check_kept_entries_are_scaled(impl: Implementation) -> None:
    """In training, every entry forward keeps is exactly x / (1 - p); the others are 0."""
    for number, p in enumerate(SCALE_PS):
        x = inputs.distinct(np.random.default_rng(200 + number), (20, 30))
        out = _one_forward(impl, p, 100 + number, x)
        kept = _kept(out)
        if not kept.any():
            continue  # nothing kept: the keep rate's test says so, the scale cannot be seen
        factor = out[kept] / x[kept]
        want = 1.0 / (1.0 - p)
        if np.allclose(factor, want, rtol=1e-9, atol=0):
            continue
        where = f"Dropout({p}).forward in training mode"
        if np.allclose(factor, factor[0], rtol=1e-9, atol=0):
            c = float(factor[0])
            if abs(c - (1 - p)) < 1e-9:
                why = (f"multiplied by 1 - p = {1 - p:g} (the old, non-inverted dropout); inverted dropout divides "
                       f"them by 1 - p, so that the expected output is x and eval mode needs no scaling")
            elif abs(c - 1.0) < 1e-9:
                why = ("not scaled; divide them by 1 - p, so that the expected output E[x * m / (1 - p)] is x, as in "
                       "eval mode")
            elif p and abs(c - 1.0 / p) < 1e-9 / p:
                why = "divided by p, the probability to drop; divide by 1 - p, the probability to keep"
            else:
                rounded = [np.dtype(t).name for t in (np.float16, np.float32)  # c is out / x: a last bit may differ
                           if any(abs(c - float(r)) <= 1e-12 * c for r in (t(want), t(1) / t(1 - p)))]
                digits = digits_apart(c, want)
                why = f"multiplied by {c:.{digits}g}; the factor is 1 / (1 - p) = {want:.{digits}g}" + (
                    f", which {c:.{digits}g} is rounded to {rounded[0]}: keep the mask (or the factor) in x's dtype, "
                    f"not a narrower type" if rounded else "")
            raise CheckFailure(f"{where} scales the entries it keeps wrongly: they are {why}\n  case: x of shape "
                               f"{x.shape}, Dropout({p}, rng=np.random.default_rng({100 + number}))",
                               tensor="out", hint="scale")
        bad = int(np.argmax(~np.isclose(factor, want, rtol=1e-9, atol=0)))
        index = tuple(int(i) for i in np.argwhere(kept)[bad])
        shifted = np.allclose(out[kept] + p, x[kept], rtol=1e-9, atol=1e-12)
        advice = ("every kept output is x - p: x / 1 - p is (x / 1) - p, the division first; parenthesise, "
                  "x / (1 - p)" if shifted else
                  "multiply x by a mask of 0s and 1s, then divide by 1 - p (one factor for every kept entry)")
        raise CheckFailure(
            f"{where}: every output must be 0 (dropped) or x / (1 - p) (kept); out[{fmt_index(index)}] = "
            f"{out[index]:+.6g} is {factor[bad]:.6g} x x[{fmt_index(index)}] = {x[index]:+.6g}, expected 0 or "
            f"{want:.6g} x x\n  hint: {advice}\n  case: x of shape {x.shape}, Dropout({p}, rng=np.random.default_rng({100 + number}))",
            tensor="out", hint="scale")


def check_keep_rate(impl: Implementation) -> None:
    """In training, each entry is kept with probability 1 - p, independently of its neighbours along every axis:
    measured on 100,000 entries for each p of RATE_PS, within 8 standard deviations (p = 0 keeps every entry)."""
    for number, p in enumerate(RATE_PS):
        seed = 300 + number
        x = _positive(np.random.default_rng(400 + number), RATE_SHAPE)
        kept = _kept(_one_forward(impl, p, seed, x))
        n, rate, want = kept.size, float(kept.mean()), 1.0 - p
        tolerance = SIGMAS * np.sqrt(p * (1 - p) / n)
        where = (f"Dropout({p}).forward in training mode kept {rate:.4f} of {n} entries; expected 1 - p = {want:g} "
                 f"(within {tolerance:.4f}, {SIGMAS} standard deviations)")
        case = f"\n  case: x of shape {RATE_SHAPE}, Dropout({p}, rng=np.random.default_rng({seed}))"
        if p != 0 and 0.0 < rate < 1.0:  # first: the rate's tolerance holds only for entries drawn independently
            _check_independent(kept, p, rate, case)
        if abs(rate - want) > tolerance:
            if 0 < p != 0.5 and abs(rate - p) <= tolerance:
                why = ("you keep entries with probability p: p is the probability to drop an entry, so keep where "
                       "the uniform number is below 1 - p (or drop where it is below p)")
            elif p not in (0.0, 0.5) and abs(rate - 0.5) <= tolerance:
                why = ("you keep half of the entries whatever p is (a coin flip such as rng.integers(0, 2), or a "
                       "comparison with 0.5?): keep an entry where self.rng.random(x.shape) is below 1 - p")
            elif rate == 0.0 and p == 0:
                why = ("at p = 0 nothing may be dropped, yet every entry was: do you keep with probability p? p is "
                       "the probability to drop, so keep where the uniform number is below 1 - p")
            elif rate == 0.0:
                why = ("every entry was dropped: draw one random number per entry, self.rng.random(x.shape), and keep "
                       "an entry where its number is below 1 - p (is a comparison the wrong way round?)")
            elif rate == 1.0 and p < 0.01:
                why = (f"at p = {p} no entry was dropped (about {p * n:.0f} should be): p is rounded on the way, to whole "
                       "percents or coarser (int(p * 100)?); compare the uniform number with p itself")
            elif rate == 1.0:
                why = ("no entry was dropped: in training mode (self.training is True) forward must draw one random "
                       "number per entry, self.rng.random(x.shape), and drop each entry with probability p")
            else:
                why = "keep an entry where its uniform number (self.rng.random(x.shape)) is below 1 - p"
            raise CheckFailure(f"{where}\n  hint: {why}{case}", tensor="out", hint="keep_rate")
    _check_rate_after_eval(impl)
    _check_count_varies(impl)


def _check_count_varies(impl: Implementation) -> None:
    """The number of entries kept varies from call to call as independent draws make it vary: over 500 calls on 10
    entries at p = 0.5 its variance is about 10 * p * (1 - p) = 2.5 (8 standard errors: 1.2). A mask that keeps a
    fixed count, round((1 - p) * n) entries at random places, has the right keep rate and variance 0. (A mask that
    never changes has variance 0 too: that is the mask-source check's charge, not this one's.)"""
    p, n, calls, seed = 0.5, 10, 500, 330
    x = _positive(np.random.default_rng(430), (n,))
    layer = construct(impl.Dropout, p, rng=np.random.default_rng(seed))
    masks = np.array([_kept(checked_forward(layer, x, x.shape, Case.out_formula, keep_input=False))
                      for _ in range(calls)])
    if np.all(masks == masks[0]):
        return  # one mask for every call: the mask-source check names that (one mistake, one charge)
    counts = np.count_nonzero(masks, axis=1)
    want = n * p * (1 - p)
    fourth = want * (1 + 3 * (n - 2) * p * (1 - p))  # the binomial's fourth central moment
    tolerance = SIGMAS * np.sqrt((fourth - want**2 * (calls - 3) / (calls - 1)) / calls)
    spread = float(counts.var(ddof=1))
    if abs(spread - want) > tolerance:
        raise CheckFailure(
            f"Dropout({p}).forward on {n} entries kept {counts.min()} to {counts.max()} of them over {calls} calls, "
            f"with variance {spread:.3g}; entries kept independently give variance {want:g} (within "
            f"{tolerance:.2g})\n  hint: decide every entry by its own draw, self.rng.random(x.shape) < 1 - p; "
            f"choosing a fixed number of entries to keep (a permutation, rng.choice without replacement) ties them "
            f"together\n  case: Dropout({p}, rng=np.random.default_rng({seed})), {calls} forward calls on x of shape "
            f"({n},)", tensor="out", hint="independent")


def _check_rate_after_eval(impl: Implementation) -> None:
    """A layer that ran a forward in eval mode and was switched back with train() drops at its own p again (as
    after a validation pass in a training loop): eval mode must leave nothing behind that train() does not undo."""
    p, seed = 0.2, 320
    x = _positive(np.random.default_rng(420), RATE_SHAPE)
    layer = construct(impl.Dropout, p, rng=np.random.default_rng(seed))
    checked_forward(layer, x[:1], x[:1].shape, Case.out_formula, keep_input=False)
    call(layer, "eval")
    checked_forward(layer, x[:1], x[:1].shape, Case.out_formula, keep_input=False)
    call(layer, "train")
    kept = _kept(checked_forward(layer, x, x.shape, Case.out_formula, keep_input=False))
    rate, tolerance = float(kept.mean()), SIGMAS * np.sqrt(p * (1 - p) / kept.size)
    if abs(rate - (1 - p)) > tolerance:
        raise CheckFailure(
            f"Dropout({p}).forward kept {rate:.4f} of {kept.size} entries after a forward in eval mode and train() "
            f"again; expected 1 - p = {1 - p:g}, as before the eval pass\n  hint: eval mode must not change what "
            f"training mode uses: leave self.p (and the rest) as the constructor set it, and decide by self.training "
            f"in forward\n  case: Dropout({p}, rng=np.random.default_rng({seed})): forward, eval(), forward, train(), "
            f"forward on x of shape {RATE_SHAPE}", tensor="out", hint="eval")


def _check_independent(kept: np.ndarray, p: float, rate: float, case: str) -> None:
    """Neighbours along every axis of `kept` (bool, x's shape) are kept or dropped together as often as
    independent entries kept at the observed `rate` are (a wrong rate is the rate check's to name). The axis that
    deviates most is the one blamed: a mask broadcast along one axis also disturbs the counts along the others
    (whole rows agree or not), so the first failing axis may be the wrong one."""
    agree_chance = rate**2 + (1 - rate) ** 2  # two independent entries are both kept or both dropped
    covariance = rate**3 + (1 - rate) ** 3 - agree_chance**2  # of two pairs that share an entry
    worst = None
    for axis in range(kept.ndim):
        pairs = np.take(kept, range(1, kept.shape[axis]), axis) == np.take(kept, range(kept.shape[axis] - 1), axis)
        agree = float(pairs.mean())
        spread = SIGMAS * np.sqrt((agree_chance * (1 - agree_chance) + 2 * abs(covariance)) / pairs.size)
        excess = abs(agree - agree_chance) / spread
        if excess > 1 and (worst is None or excess > worst[0]):
            worst = (excess, axis, agree, spread)
    if worst is None:
        return
    _, axis, agree, spread = worst
    shape = ", ".join("1" if a == axis else str(n) for a, n in enumerate(kept.shape))
    raise CheckFailure(
        f"Dropout({p}).forward in training mode keeps or drops neighbours along axis {axis} together "
        f"{agree:.1%} of the time; entries drawn independently agree {agree_chance:.1%} of the time "
        f"(within {spread:.1%})\n  hint: the mask must hold one random number per entry of x, "
        f"self.rng.random(x.shape); a mask drawn for fewer axes (such as shape ({shape})) and broadcast "
        f"drops the same entries along axis {axis}{case}", tensor="out", hint="independent")


# ---------------------------------------------------------------- where the mask comes from

RNG_SHAPE = (20, 50)


def check_mask_from_rng(impl: Implementation) -> None:
    """Masks come from the layer's generator: equal seeds give equal masks, other seeds other masks, and every
    forward call draws a new one (the global np.random is never used)."""
    x = _positive(np.random.default_rng(500), RNG_SHAPE)
    twins = [construct(impl.Dropout, 0.5, rng=np.random.default_rng(7)) for _ in range(2)]
    other = construct(impl.Dropout, 0.5, rng=np.random.default_rng(8))
    masks: list[list[np.ndarray]] = [[], [], []]
    for _ in range(2):  # interleaved, as two layers of a network are called
        for layer, drawn in zip([*twins, other], masks):
            drawn.append(_kept(checked_forward(layer, x, x.shape, Case.out_formula, keep_input=False)))
    if all(mask.all() or not mask.any() for drawn in masks for mask in drawn):
        return  # no entry dropped (or none kept): there is no mask to judge, the keep rate's test says why
    made = "Dropout(0.5, rng=np.random.default_rng({}))"
    if not all(np.array_equal(a, b) for a, b in zip(*masks[:2])):
        raise CheckFailure(
            f"two layers built with equally seeded generators ({made.format(7)}, twice) dropped different entries "
            "of the same input\n  hint: draw the mask from self.rng, the generator the constructor was given, never "
            "from np.random's global functions (np.random.rand, np.random.binomial, ...): a seed must reproduce a "
            "training run", tensor="out", hint="mask_rng")
    if np.array_equal(masks[0][0], masks[2][0]):
        raise CheckFailure(
            f"layers built with generators of different seeds ({made.format(7)} and {made.format(8)}) dropped the "
            "same entries\n  hint: draw the mask from self.rng, the generator the constructor was given; a generator "
            "made inside the layer, or a fixed seed, ignores it", tensor="out", hint="mask_rng")
    if np.array_equal(masks[0][0], masks[0][1]):
        raise CheckFailure(
            f"{made.format(7)}.forward dropped the same entries on two calls\n  hint: draw a new mask on every "
            "forward call: a mask drawn once (in __init__, kept from the first call, or reused while x's shape "
            "stays the same) drops the same units for every batch", tensor="out", hint="mask_reused")


# ---------------------------------------------------------------- the provided constructor and modes

def check_constructor(impl: Implementation) -> None:
    """p in [0, 1) (else ValueError), p = 0.5 by default, training True after construction, eval() and train() set
    it, no parameters. The constructor is provided: a layer whose forward is still a stub earns nothing here."""
    x = _positive(np.random.default_rng(600), (10, 20))
    layer = construct(impl.Dropout, 0.5, rng=np.random.default_rng(9))
    call(layer, "forward", x.copy())
    for name in ("params", "grads"):
        value = getattr(layer, name, None)
        if not isinstance(value, dict) or value:
            raise CheckFailure(f"Dropout.{name} must be the empty dict the provided constructor makes; got "
                               f"{sorted(value) if isinstance(value, dict) else type(value).__name__}", tensor="init")
    for method, flag in ((None, True), ("eval", False), ("train", True)):
        if method is not None:
            call(layer, method)
        if getattr(layer, "training", None) is not flag:
            after = f"after {method}()" if method else "after construction"
            raise CheckFailure(f"Dropout.training must be {flag} {after}; it is {getattr(layer, 'training', None)!r} "
                               "(keep the provided constructor, train() and eval())", tensor="init", hint="defaults")
    for p in (-0.1, 1.0, 1.5, float("nan")):
        try:
            construct(impl.Dropout, p, rng=np.random.default_rng(0))
        except StudentCodeError as error:
            if " raised ValueError" in error.message:
                continue
            raise CheckFailure(f"Dropout({p}) must raise ValueError (p must be in [0, 1)); {error.message}",
                               tensor="init") from None
        raise CheckFailure(f"Dropout({p}) was accepted: p, the probability to drop, must be in [0, 1) (at p = 1 the "
                           "factor 1 / (1 - p) is infinite); raise ValueError (keep the provided constructor)",
                           tensor="init")
    for p in (0.0, 0.99):
        construct(impl.Dropout, p, rng=np.random.default_rng(0))
    # Without rng, each layer gets a fresh generator: two such layers in one network must not drop alike (equal
    # masks on 200 entries by chance: 2**-200).
    unseeded = [checked_forward(construct(impl.Dropout, 0.5), x, x.shape, Case.out_formula, keep_input=False)
                for _ in range(2)]
    # Masks that keep some entries and drop others: an all-or-nothing mask (one draw for the whole array) agrees by
    # chance half the time, and the keep-rate test charges it
    drops = all(_kept(out).any() and not _kept(out).all() for out in unseeded)
    if drops and np.array_equal(_kept(unseeded[0]), _kept(unseeded[1])):
        raise CheckFailure(
            "two Dropout(0.5) layers built without rng dropped exactly the same entries of one input: with rng=None "
            "each layer must get a fresh generator, np.random.default_rng() (no seed)\n  hint: keep the provided "
            "constructor and its _generator helper; a fixed seed there makes every unseeded layer draw the same "
            "masks", tensor="init", hint="init_rng")
    # The default p, seen in the factor of the kept entries (the masks themselves may come from anywhere: the rng
    # test judges that): Dropout() must scale as Dropout(0.5) does, whatever that is.
    factors = []
    for layer in (construct(impl.Dropout, rng=np.random.default_rng(11)),
                  construct(impl.Dropout, 0.5, rng=np.random.default_rng(11))):
        out = checked_forward(layer, x, x.shape, Case.out_formula, keep_input=False)
        factors.append(np.unique(np.round(out[_kept(out)] / x[_kept(out)], 9)))
    if all(f.size for f in factors) and not np.array_equal(*factors):
        raise CheckFailure(
            f"Dropout(rng=...) scales the entries it keeps by {_fmt(factors[0])}, Dropout(0.5, rng=...) by "
            f"{_fmt(factors[1])}: p must default to 0.5\n  hint: keep the provided "
            "constructor's signature, Dropout(p=0.5, *, rng=None)", tensor="defaults", hint="defaults")


def _fmt(values: np.ndarray) -> str:
    return " or ".join(f"{v:.6g}" for v in values[:3]) + (" ..." if values.size > 3 else "")


# ---------------------------------------------------------------- stored examples: eval mode

CONFIG_FIELDS = ("p_percent", "training")

# Stored forward examples (`python -m gradkit.release.fixtures` writes them from the reference): (x shape, settings).
# In eval mode only: a training-mode output depends on how the mask is drawn, which the contract leaves open.
EXAMPLES = [((3, 4), dict(p_percent=30, training=0)), ((2, 3, 4, 5), dict(p_percent=50, training=0)),
            ((6,), dict(p_percent=80, training=0))]


def build_from_config(impl: Any, config: dict[str, int]) -> Any:
    layer = construct(impl.Dropout, config["p_percent"] / 100, rng=np.random.default_rng(0))
    if not config["training"]:
        call(layer, "eval")
    return layer


def formula(config: dict[str, int], x_shape: tuple[int, ...]) -> str:
    return Case.out_formula


def forward_scale_hint(config: dict[str, int], x_shape: tuple[int, ...], ratio: float) -> Hint | None:
    """Your eval-mode output is `ratio` x x on a stored example: scaled by 1 - p (or divided by it) at test time."""
    keep = 1 - config["p_percent"] / 100
    if config["training"] or keep == 1:
        return None
    if abs(ratio - keep) < 1e-6:
        return Hint("scale", f"in eval mode your output is x times 1 - p = {keep:g}: that is the old, non-inverted "
                             "dropout's test-time scaling; inverted dropout already divides the kept entries by 1 - p "
                             "in training, so eval mode returns x as it is")
    if abs(ratio * keep - 1) < 1e-6:
        return Hint("scale", f"in eval mode your output is x divided by 1 - p = {keep:g}: the division by 1 - p belongs "
                             "to the kept entries in training only; eval mode returns x as it is")
    return None


def forward_hint(impl: Any, config: dict[str, int], example: dict[str, np.ndarray]) -> Hint | None:
    """An eval-mode output that drops entries: forward does not read self.training."""
    if config["training"]:
        return None
    layer = build_from_config(impl, config)
    out = checked_forward(layer, example["x"], example["x"].shape, Case.out_formula, keep_input=False)
    if np.any((out == 0) & (example["x"] != 0)):
        return Hint("eval", "in eval mode (after eval(): training is False) your forward still drops entries: read "
                            "self.training in forward, and return x unchanged when it is False")
    return None


# ---------------------------------------------------------------- pictures and fingerprints

def _single_pass(impl: Implementation, case: Case) -> Pass:
    rng = np.random.default_rng(case.seed)
    layer = build(impl, case, np.random.default_rng([case.seed, 0]))
    x = make_input(case, rng)
    out = checked_forward(layer, x, case.out_shape, case.out_formula, keep_input=False)
    dout = inputs.gaussian(rng, case.out_shape)
    dx, _ = checked_backward(layer, dout, x, only="x", after=out)
    return Pass(x, out, dout, dx)


def gradients(impl: Implementation, case: Case) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{"dx": (yours, the gradient for the mask your forward drew)} (for the `--plot` picture: a random forward has
    no numerical gradient, so the expected dx stands in its place)."""
    one = _single_pass(impl, case)
    return {"dx": (one.dx, expected_dx(one, case))}


def tensors(impl: Implementation, case: Case) -> dict[str, np.ndarray]:
    """For known-bug fingerprints: dx as factors of dout, [min, max] over the entries forward kept, then over those
    it dropped. The mask itself depends on how it is drawn, which the contract leaves open; these factors do not."""
    one = _single_pass(impl, case)
    kept = _kept(one.out)
    factor = one.dx / np.where(one.dout == 0, 1.0, one.dout)
    summary = [f(factor[group]) if group.any() else 0.0 for group in (kept, ~kept) for f in (np.min, np.max)]
    return {"dx": np.array(summary, dtype=np.float64)}


EXPECTED = "expected"  # the picture's right-hand gradient: the one for your forward's mask, not finite differences
PLOT_CASE = Case(shape=(6, 8), p=0.5, training=True, seed=0)


def enlarged(case: Case) -> Case:
    return case._replace(shape=(max(int(np.prod(case.shape[:-1])), 4), max(case.shape[-1], 6)))


PROBE_CASES = [Case(shape=(4, 6), p=0.5, training=True, seed=111), Case(shape=(3, 5), p=0.25, training=True, seed=112)]
