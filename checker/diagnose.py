"""After a gradient check failed: find the mistake, on the smallest failing case.

Runs once per failed test, after hypothesis has shrunk the case, so the full numerical gradient
is cheap. A diagnosis says which tensors are right, how many entries of the wrong one are wrong
and where (a text heat map), what one output position sends back (the probe, for conv and
pooling), and a hint when the error has a recognisable pattern or disappears when one feature
of the case is removed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from gradkit.checker import fingerprints, hints
from gradkit.checker.cases import EXERCISE_OF_CASE, ConvCase, LinearCase, PoolCase, ReluCase, SoftmaxCase
from gradkit.checker.contract import checked_backward, checked_forward
from gradkit.checker.guard import construct
from gradkit.checker.hints import Hint
from gradkit.checker.impl import Implementation
from gradkit.checker.numgrad import layer_directional, layer_loss, numerical_gradient, probe_position, reference_twin
from gradkit.checker.results import CheckFailure, StudentCodeError
from gradkit.checker.setups import LayerCase, evaluate
from gradkit.checker.textmaps import MAX_MAP_ROWS, fmt_index, heat_map, side_by_side, spatial



@dataclasses.dataclass
class Diagnosis:
    """Extra lines for a failure message, the hint found (if any), and arrays for a picture."""

    lines: list[str]
    hint: Hint | None = None
    arrays: dict[str, dict[str, np.ndarray]] = dataclasses.field(default_factory=dict)  # tensor -> yours/numerical


def diagnose_failure(impl: Implementation, failure: CheckFailure, verbose: bool = False) -> Diagnosis | None:
    """Why a check failed, on the case it failed on (after hypothesis shrank it), or None when there is nothing
    to add: a gradient check names its tensor (`failure.gradient`), a crash is re-run with one feature removed."""
    if failure.case is None:
        return None
    if failure.gradient == "scores":
        return diagnose_softmax(impl, failure.case, verbose)
    if failure.gradient is not None:
        return diagnose_layer(impl, failure.case, failure.gradient, verbose)
    if isinstance(failure, StudentCodeError):
        return diagnose_crash(impl, failure.case)
    return None


# ---------------------------------------------------------------- counterfactual cases

def variants(case: LayerCase) -> Iterator[tuple[str, LayerCase]]:
    """The case with one feature removed, keeping the number of output positions where possible.

    Order matters: the first variant that passes names the hint, most specific first.
    """
    if isinstance(case, (ConvCase, PoolCase)) and case.KH != case.KW:
        # The larger square: it keeps every overlap and every kernel offset, so only KH != KW goes away.
        yield "square", _square(case, max(case.KH, case.KW))
    if isinstance(case, ConvCase):
        H_out, W_out = case.H_out, case.W_out
        if case.C > 1 or case.F > 1:
            yield "channels", case._replace(C=1, F=1)
        if case.stride < max(case.KH, case.KW) and (H_out > 1 or W_out > 1):
            s = max(case.KH, case.KW)  # windows side by side, same number of output positions
            yield "overlap", case._replace(stride=s, H=max((H_out - 1) * s + case.KH - 2 * case.padding, 1),
                                           W=max((W_out - 1) * s + case.KW - 2 * case.padding, 1))
        if case.KH * case.KW > 1:
            yield "kernel", case._replace(KH=1, KW=1, H=(H_out - 1) * case.stride + 1 - 2 * case.padding or 1,
                                          W=(W_out - 1) * case.stride + 1 - 2 * case.padding or 1)
        if case.stride > 1:
            yield "stride", case._replace(stride=1, H=max(H_out - 1 + case.KH - 2 * case.padding, 1),
                                          W=max(W_out - 1 + case.KW - 2 * case.padding, 1))
        if case.padding > 0:
            yield "padding", case._replace(padding=0, H=case.H + 2 * case.padding, W=case.W + 2 * case.padding)
        if case.N > 1:
            yield "batch", case._replace(N=1)
        if H_out * W_out > 1:
            yield "positions", case._replace(H=case.KH, W=case.KW, padding=0)
    elif isinstance(case, PoolCase):
        if case.overlapping:
            s = max(case.KH, case.KW)
            H_out, W_out = case.out_shape[2:]
            yield "overlap", case._replace(stride=s, H=(H_out - 1) * s + case.KH, W=(W_out - 1) * s + case.KW)
        if case.N > 1:
            yield "batch", case._replace(N=1)
    elif isinstance(case, LinearCase):
        if case.N > 1:
            yield "batch", case._replace(N=1)


def _square(case: ConvCase | PoolCase, side: int | None = None) -> ConvCase | PoolCase:
    """The case with a square kernel (KH x KH by default), the image width changed to keep the output width."""
    K = case.KH if side is None else side
    W_out = case.W_out if isinstance(case, ConvCase) else case.out_shape[3]
    H_out = case.H_out if isinstance(case, ConvCase) else case.out_shape[2]
    pad = case.padding if isinstance(case, ConvCase) else 0
    return case._replace(KH=K, KW=K, H=max((H_out - 1) * case.stride + K - 2 * pad, 1),
                         W=max((W_out - 1) * case.stride + K - 2 * pad, 1))


def _valid(case: LayerCase) -> bool:
    if isinstance(case, ConvCase):
        return case.H >= 1 and case.W >= 1 and case.H_out >= 1 and case.W_out >= 1
    return True


STALE_PARAMS_HINT = Hint(
    "stale_params", "correct while the parameters keep the values the constructor gave them, wrong once they change "
                    "(as training changes them): your code uses a copy of W or b made earlier (in __init__, or a "
                    "cast copy kept from an earlier call); read self.params[...] in every forward and backward")


def _passes(impl: Implementation, case: LayerCase, tensor: str, **options: bool) -> bool:
    try:
        result = layer_directional(impl, case, tensor, **options)
    except CheckFailure:
        return False
    return result.passed and not result.kink


POSITIONS_HINT = Hint("sum", "correct when there is one output position, wrong with several: a parameter's gradient "
                             "sums, over every output position and image, dout at that position times the input "
                             "window that position saw; pair each position with its own window, and add (+=) the "
                             "contributions rather than overwriting (=)")


def counterfactual_hint(impl: Implementation, case: LayerCase, tensor: str) -> Hint | None:
    if layer_directional(impl, case, tensor).passed:
        return None  # nothing to explain
    if isinstance(case, (ConvCase, LinearCase)) and _passes(impl, case, tensor, fill_params=False):
        return STALE_PARAMS_HINT
    for feature, variant in variants(case):
        if not _valid(variant):
            continue
        try:
            result = layer_directional(impl, variant, tensor)
        except CheckFailure:
            continue
        if result.passed and not result.kink:
            if feature == "positions":
                return POSITIONS_HINT
            return hints.counterfactual(feature, EXERCISE_OF_CASE[type(case)], tensor)
    return None


def diagnose_crash(impl: Implementation, case: object) -> Diagnosis:
    """After your code raised on `case`: a hint when removing one feature lets it run."""
    hint = crash_hint(impl, case)
    return Diagnosis([f"  hint: {hint.text}"] if hint else [], hint)


def _runs(impl: Implementation, case: LayerCase) -> bool:
    """Whether your forward and backward run on `case` without raising (their values are not judged)."""
    try:
        evaluate(impl, case)
    except StudentCodeError:
        return False
    except CheckFailure:
        return True  # it ran; what it returned is other checks' business
    return True


def crash_hint(impl: Implementation, case: object) -> Hint | None:
    """Your code raised on `case`: the feature whose removal lets it run, as a hint (None if none does).

    A kernel or window with KH != KW that raises while both square ones (KH x KH and KW x KW) run points at a
    KH used where KW belongs; labels that raise unless the batch holds the last class point at a width taken
    from y.max() + 1 instead of K.
    """
    if isinstance(case, (ConvCase, PoolCase)) and case.KH != case.KW:
        squares = [_square(case, side) for side in (case.KH, case.KW)]
        if all(_valid(variant) and _runs(impl, variant) for variant in squares) and not _runs(impl, case):
            return hints.SQUARE_CRASH
    if isinstance(case, SoftmaxCase) and case.K > 1:
        scores = np.random.default_rng(case.seed).standard_normal((case.N, case.K))
        first, with_last = np.zeros(case.N, dtype=np.int64), np.zeros(case.N, dtype=np.int64)
        with_last[-1] = case.K - 1
        if _loss_runs(impl, scores, with_last) and not _loss_runs(impl, scores, first):
            return LABELS_HINT
    return None


LABELS_HINT = Hint("labels", "your code runs (or is right) when the batch holds the last class K - 1 and fails when it "
                             "does not: something is sized by the labels present (y.max() + 1, np.unique(y)) instead "
                             "of the K = scores.shape[1] classes; a one-hot needs K columns, np.eye(K)[y]")


def _loss_runs(impl: Implementation, scores: np.ndarray, y: np.ndarray) -> bool:
    from gradkit.checker.guard import call

    try:
        loss_fn = construct(impl.SoftmaxCrossEntropy)
        call(loss_fn, "forward", scores.copy(), y.copy())
        call(loss_fn, "backward")
    except StudentCodeError:
        return False
    except CheckFailure:
        return True
    return True


# ---------------------------------------------------------------- layers

def _student_forward(layer: Any, out_shape: tuple[int, ...], formula: str) -> Callable[..., np.ndarray]:
    """forward(x, params) through the student's layer, restoring its parameters afterwards."""

    def forward(x: np.ndarray, params: dict[str, np.ndarray]) -> np.ndarray:
        saved = {k: p.copy() for k, p in layer.params.items()}
        try:
            for k, value in params.items():
                layer.params[k][...] = value
            return checked_forward(layer, x, out_shape, formula, keep_input=False)
        finally:
            for k, value in saved.items():
                layer.params[k][...] = value

    return forward


def _window(case: LayerCase, position: tuple[int, ...]) -> tuple[slice, slice] | None:
    """The input cells under one output position (clipped to the unpadded image)."""
    if isinstance(case, ConvCase):
        i, j = position[2] * case.stride - case.padding, position[3] * case.stride - case.padding
        return slice(max(i, 0), min(i + case.KH, case.H)), slice(max(j, 0), min(j + case.KW, case.W))
    if isinstance(case, PoolCase):
        i, j = position[2] * case.stride, position[3] * case.stride
        return slice(i, i + case.KH), slice(j, j + case.KW)
    return None


def diagnose_layer(impl: Implementation, case: LayerCase, tensor: str, verbose: bool = False) -> Diagnosis:
    """Why d{tensor} of a layer is wrong on `case` (the shrunk failing case)."""
    run = evaluate(impl, case, only=tensor)
    setup, out, v, dx, grads = run.setup, run.out, run.v, run.dx, run.grads
    layer, x = setup.layer, setup.x
    params = {k: p.copy() for k, p in layer.params.items()}
    forward = _student_forward(reference_twin(impl, case, layer) or layer, setup.out_shape, setup.formula)
    name = f"d{tensor}"
    lines = []

    others = []
    for other in ["x", *params]:
        if other != tensor:
            try:
                verdict = "OK" if layer_directional(impl, case, other).passed else "wrong too"
            except CheckFailure:
                verdict = "wrong too"
            others.append(f"d{other}: {verdict}")
    if others:
        lines.append("  " + "   ".join(others))

    mine = dx if tensor == "x" else grads[tensor]
    numerical = numerical_gradient(layer_loss(forward, x, params, v, tensor), mine.shape)
    err = np.abs(mine - numerical)
    scale = max(float(np.abs(mine).max(initial=0)), float(np.abs(numerical).max(initial=0)), 1e-12)
    wrong = err > 1e-6 * scale
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    lines.append(f"  {int(wrong.sum())} of {err.size} entries of {name} are wrong; worst {name}[{fmt_index(worst)}]: "
                 f"yours {mine[worst]:+.6g}, numerical {numerical[worst]:+.6g}")
    error_map, axes = spatial(err)
    if error_map.size > 1:
        lines.append(f"  where {name} is wrong (darker = larger error{', ' + axes if axes else ''}):")
        lines += heat_map(error_map)
    if verbose:
        lines.append(f"  your {name}:\n{np.array2string(mine, precision=4)}")
        lines.append(f"  numerical {name}:\n{np.array2string(numerical, precision=4)}")

    hint = hints.zeros(mine, numerical, name) or hints.ratio(mine, numerical, name, batch=getattr(case, "N", None))
    if tensor == "x" and isinstance(case, (ConvCase, PoolCase)):
        probe_lines, probe_hint = _probe(layer, x, out.shape, forward, params, case)
        lines += probe_lines
        hint = hint or probe_hint
    hint = hint or hints.rotated(mine, numerical, name) or hints.transposed(mine, numerical, name)
    if tensor == "x" and isinstance(case, ReluCase):
        hint = hint or hints.relu_slopes(mine, v, x)
    hint = hint or counterfactual_hint(impl, case, tensor)
    hint = _known_bug(impl, EXERCISE_OF_CASE[type(case)], name, hint, lines)
    return Diagnosis(lines, hint, {name: {"yours": mine, "numerical": numerical}})


def _known_bug(impl: Implementation, exercise: str, name: str, hint: Hint | None, lines: list[str]) -> Hint | None:
    """Print the hint, and a catalogue match if your gradient is exactly a known mistake's.

    An exact match is more specific than a pattern: when the two disagree, only the match is shown.
    """
    known = fingerprints.match(impl, exercise, name)
    if known is not None and known.hint and (hint is None or hint.id != known.hint):
        hint = Hint(known.hint, known.explanation)
    elif hint is not None:
        lines.append(f"  hint: {hint.text}")
    if known is not None:
        lines.append(f"  known mistake: {known.explanation}")
    return hint


def _probe(layer: Any, x: np.ndarray, out_shape: tuple[int, ...], forward: Callable[..., np.ndarray],
           params: dict[str, np.ndarray], case: LayerCase) -> tuple[list[str], Hint | None]:
    """Send a gradient of 1 from one output position; compare the window it lands on."""
    position = probe_position(out_shape)
    dout = np.zeros(out_shape)
    dout[position] = 1.0
    checked_forward(layer, x, out_shape, "", keep_input=False)
    mine, _ = checked_backward(layer, dout, x, only="x")
    expected = numerical_gradient(layer_loss(forward, x, params, dout, "x"), x.shape)
    rows, cols = _window(case, position)
    n = position[0]
    lines = [f"  probe: gradient 1 sent from out[{fmt_index(position)}] only; dx[{n}, :, {rows.start}:{rows.stop}, "
             f"{cols.start}:{cols.stop}] summed over channels:"]
    yours_w, expected_w = mine[n, :, rows, cols].sum(axis=0), expected[n, :, rows, cols].sum(axis=0)
    lines += side_by_side(yours_w, expected_w, ("yours", "expected"))
    outside = mine.copy()
    outside[n, :, rows, cols] = 0
    hint = hints.probe_rotated(yours_w, expected_w) if isinstance(case, ConvCase) else None
    hint = hint or hints.probe_transposed(yours_w, expected_w)
    if np.any(outside) and hint is None:
        hint = Hint("stride", "the gradient of one output lands outside the window that output came from: "
                              "window (i, j) starts at (i*stride, j*stride) in backward as in forward")
    if hint is None and isinstance(case, PoolCase) and np.any((mine != 0) & (expected == 0)):
        hint = Hint("pool_non_max", "the gradient lands on cells that are not the window's maximum: only the "
                                    "maximum passes the gradient back, every other cell gets 0")
    return lines, hint


# ---------------------------------------------------------------- softmax

def diagnose_softmax(impl: Implementation, case: SoftmaxCase, verbose: bool = False) -> Diagnosis:
    from gradkit.checker.guard import call
    from gradkit.checker.softmax import checked_dscores, make_scores, true_loss

    rng = np.random.default_rng(case.seed)
    scores, y = make_scores(case, rng)
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    call(loss_fn, "forward", scores.copy(), y.copy())
    mine = checked_dscores(loss_fn, scores)
    numerical = numerical_gradient(lambda delta: true_loss(scores + delta, y), scores.shape)
    err = np.abs(mine - numerical)
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    lines = [f"  worst dscores[{fmt_index(worst)}]: yours {mine[worst]:+.6g}, numerical {numerical[worst]:+.6g}"]
    lines += side_by_side(mine[:MAX_MAP_ROWS], numerical[:MAX_MAP_ROWS], ("your dscores", "numerical"))
    sums = mine.sum(axis=1)
    hint = hints.zeros(mine, numerical, "dscores")
    if hint is None and (case.K - 1) * case.N >= 2:  # rows of dscores sum to 0: a single free entry is always "a multiple"
        hint = hints.ratio(mine, numerical, "dscores", batch=case.N)
    if hint is None and case.K > 1 and not np.any(y == case.K - 1) and not hints._close(mine, numerical):
        with_last = y.copy()
        with_last[-1] = case.K - 1
        try:
            again = construct(impl.SoftmaxCrossEntropy)
            call(again, "forward", scores.copy(), with_last.copy())
            theirs = checked_dscores(again, scores)
        except CheckFailure:
            theirs = None
        if theirs is not None and hints._close(
                theirs, numerical_gradient(lambda delta: true_loss(scores + delta, with_last), scores.shape)):
            hint = LABELS_HINT
    if hint is None and case.N > 1 and np.abs(mine.sum(axis=0)).max() <= 1e-9 * max(np.abs(mine).max(), 1e-12):
        hint = Hint("axis", "the columns of your dscores sum to 0, not its rows: softmax normalises each row (each "
                            "sample) over its K classes, so sum and take the maximum along axis=1")
    if hint is None and np.abs(sums).max() > 1e-6 * max(np.abs(mine).max(), 1e-12):
        hint = Hint("rows_not_zero", f"rows of your dscores sum to {np.array2string(sums, precision=3)}, not 0: "
                                     "dscores = (softmax(scores) - one_hot(y)) / N")
    hint = _known_bug(impl, "softmax_ce", "dscores", hint, lines)
    return Diagnosis(lines, hint, {"dscores": {"yours": mine, "numerical": numerical}})
