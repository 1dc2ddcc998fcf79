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
from gradkit.checker.contract import aliased_grads_hint, checked_backward, checked_forward
from gradkit.checker.hints import Hint, close
from gradkit.checker.impl import Implementation
from gradkit.checker.numgrad import layer_directional, layer_loss, numerical_gradient, probe_position, reference_twin
from gradkit.checker.results import CheckFailure, StudentCodeError
from gradkit.checker.setups import LayerCase, evaluate
from gradkit.checker.specs import spec_of
from gradkit.checker.textmaps import fmt_index, heat_map, side_by_side, spatial, yours_and



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
    if failure.gradient is not None:
        return diagnose_gradient(impl, failure.case, failure.gradient, verbose)
    if isinstance(failure, StudentCodeError):
        return diagnose_crash(impl, failure.case)
    return None


def diagnose_gradient(impl: Implementation, case: object, tensor: str, verbose: bool = False) -> Diagnosis:
    """Why d{tensor} is wrong on `case`: a layer's generic diagnosis, or the spec's own (`diagnose`, for an
    exercise that is not a layer), followed by a known-bug match either way."""
    own = getattr(spec_of(case), "diagnose", None)
    if own is None:
        return diagnose_layer(impl, case, tensor, verbose)
    lines, hint, arrays = own(impl, case, verbose)
    hint = _known_bug(impl, type(case).exercise, f"d{tensor}", hint, lines)
    return Diagnosis(lines, hint, arrays)


# ---------------------------------------------------------------- counterfactual cases

def variants(case: LayerCase) -> Iterator[tuple[str, LayerCase]]:
    """The case with one feature removed (the spec's `variants`), most specific first."""
    found = getattr(spec_of(case), "variants", None)
    return found(case) if found else iter(())


def _valid(case: LayerCase) -> bool:
    valid = getattr(spec_of(case), "valid", None)
    return valid(case) if valid else True


STALE_PARAMS_HINT = Hint(
    "stale_params", "correct while the parameters keep the values the constructor gave them, wrong once they change "
                    "(as training changes them): your code uses a copy of them made earlier (in __init__, or a "
                    "cast copy kept from an earlier call), or a cached array that forward then scaled or shifted in "
                    "place along with its output (`out = xhat; out *= gamma` changes the cache too); read "
                    "self.params[...] in every forward and backward, and keep what backward needs apart from out")


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


# The features a counterfactual removes (the specs' `variants`), as a message names them.
FEATURE_WORDS = {"square": "a window (or kernel) that is not square", "overlap": "overlapping windows",
                 "batch": "several images", "channels": "several channels (or filters)", "stride": "a stride above 1",
                 "padding": "padding", "leftover": "rows or columns left over past the last window",
                 "positions": "several output positions", "kernel": "a kernel larger than 1x1",
                 "spatial": "several positions per channel"}


def stale_params_hint(impl: Implementation, case: LayerCase, tensor: str) -> Hint | None:
    """STALE_PARAMS_HINT when d{tensor} is right on three draws of the case with the parameters the constructor
    gave (three: one may pass by chance, a mask or a sign), though wrong with the values a check sets."""
    if spec_of(case).PARAMS and all(_passes(impl, case._replace(seed=case.seed + i), tensor, fill_params=False)
                                    for i in range(3)):
        return STALE_PARAMS_HINT
    return None


def counterfactual_hint(impl: Implementation, case: LayerCase, tensor: str, stale_asked: bool = False) -> Hint | None:
    """A hint when d{tensor}, wrong on `case`, is right once one feature of the case is removed (the spec's
    `variants`), or right with the constructor's parameters (unless `stale_asked`: the caller asked already)."""
    if layer_directional(impl, case, tensor).passed:
        return None  # nothing to explain
    stale = None if stale_asked else stale_params_hint(impl, case, tensor)
    if stale is not None:
        return stale
    passing = []
    for feature, variant in variants(case):
        if not _valid(variant):
            continue
        try:
            result = layer_directional(impl, variant, tensor)
        except CheckFailure:
            continue
        # Three draws of the variant: a mistake that shows only on some inputs (an overlap whose windows happen to
        # keep their maxima apart) may pass one by chance, and the feature removed would then take the blame.
        if result.passed and not result.kink and all(
                _passes_variant(impl, variant._replace(seed=variant.seed + i), tensor) for i in (1, 2)):
            passing.append(feature)
    if not passing:
        return None
    combined = getattr(spec_of(case), "combined_counterfactual", None)
    if len(passing) > 1 and combined is not None:  # a spec may know what some features together mean
        found = combined(case, passing, tensor, lambda other: _passes_variant(impl, other, tensor))
        if found is not None:
            return found
    if len(passing) > 1:  # several features each fix it: none is proven the culprit, so none is named as it
        return Hint(None, "your d{t} is right on this case once any one of these is removed: {f}; the mistake lies "
                          "where they meet (each alone is not proven the cause)".format(
                              t=tensor, f="; ".join(FEATURE_WORDS.get(feature, feature) for feature in passing)))
    return _feature_hint(impl, case, tensor, passing[0])


def _feature_hint(impl: Implementation, case: LayerCase, tensor: str, feature: str) -> Hint | None:
    """The hint for a case that passes once `feature` is removed."""
    if feature == "positions":
        return POSITIONS_HINT
    spec = spec_of(case)
    if feature == "square" and _fails_on_one_sided_stride(case, lambda other: _passes_variant(impl, other, tensor)):
        return hints.one_sided_stride(case.KH, case.KW, case.stride, crashed=False)
    refine = getattr(spec, "refine_counterfactual", None)
    if refine is not None:
        refined = refine(case, feature, tensor, lambda other: _passes_variant(impl, other, tensor))
        if refined is not None:
            return refined
    return hints.counterfactual(feature, tensor, getattr(spec, "COUNTERFACTUAL_HINTS", None))


def _passes_variant(impl: Implementation, variant: LayerCase, tensor: str) -> bool:
    if not _valid(variant):
        return False
    try:
        result = layer_directional(impl, variant, tensor)
    except CheckFailure:
        return False
    return result.passed and not result.kink


def diagnose_crash(impl: Implementation, case: object) -> Diagnosis:
    """After your code raised on `case`: a hint when removing one feature lets it run."""
    hint = crash_hint(impl, case)
    return Diagnosis([f"  hint: {hint.text}"] if hint else [], hint)


def _fails_on_one_sided_stride(case: LayerCase, works: Callable[[LayerCase], bool]) -> bool:
    """Whether a window case whose stride equals KH or KW (not both) `works` with a stride equal to neither.

    Only for specs that can resize a window case (`resized`: the pooling layers); a conv kernel has no shortcut
    for a stride equal to its size."""
    resized = getattr(spec_of(case), "resized", None)
    KH, KW, stride = getattr(case, "KH", 0), getattr(case, "KW", 0), getattr(case, "stride", 0)
    if resized is None or getattr(case, "global_pool", False) or KH == KW or stride not in (KH, KW):
        return False
    other = resized(case, KH, KW, max(KH, KW) + 1)
    return _valid(other) and works(other)


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

    A kernel or window with KH != KW that raises while both square ones (KH x KH and KW x KW, the spec's
    `squares`) run points at a KH used where KW belongs; a case that runs once one feature is removed (the
    spec's `variants`: rows left over past the last window, padding, a stride equal to the window, stride 1, a
    1x1 kernel, one image, tried in that order) names that feature; a spec may know more (`crash_hint`, e.g. labels that raise unless the batch holds
    the last class).
    """
    spec = spec_of(case)
    squares = spec.squares(case) if hasattr(spec, "squares") else []
    if squares and all(_valid(variant) and _runs(impl, variant) for variant in squares) and not _runs(impl, case):
        if _fails_on_one_sided_stride(case, lambda other: _runs(impl, other)):
            return hints.one_sided_stride(case.KH, case.KW, case.stride, crashed=True)
        return hints.SQUARE_CRASH
    if hasattr(spec, "variants") and not _runs(impl, case):
        removed = dict(spec.variants(case))
        for feature in hints.CRASH_ORDER:
            variant = removed.get(feature)
            if variant is not None and _valid(variant) and _runs(impl, variant):
                return hints.CRASH[feature]
    own = getattr(spec, "crash_hint", None)
    return own(impl, case) if own else None


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


def diagnose_layer(impl: Implementation, case: LayerCase, tensor: str, verbose: bool = False,
                   nested: bool = False) -> Diagnosis:
    """Why d{tensor} of a layer is wrong on `case` (the shrunk failing case); `nested`: a diagnosis asked for by
    another one, on a larger case (it asks no further)."""
    run = evaluate(impl, case, only=tensor)
    setup, out, v, dx, grads = run.setup, run.out, run.v, run.dx, run.grads
    layer, x = setup.layer, setup.x
    params = {k: p.copy() for k, p in layer.params.items()}
    forward = _student_forward(reference_twin(impl, case, layer) or layer, setup.out_shape, setup.formula)
    name = f"d{tensor}"
    lines = []

    others, right = [], {}
    for other in ["x", *params]:
        if other != tensor:
            try:
                right[other] = layer_directional(impl, case, other).passed
            except CheckFailure:
                right[other] = False
            others.append(f"d{other}: {'OK' if right[other] else 'wrong too'}")
    if others:
        lines.append("  " + "   ".join(others))

    mine = dx if tensor == "x" else grads[tensor]
    numerical = numerical_gradient(layer_loss(forward, x, params, v, tensor), mine.shape)
    err = np.abs(mine - numerical)
    scale = max(float(np.abs(mine).max(initial=0)), float(np.abs(numerical).max(initial=0)), 1e-12)
    wrong = err > 1e-6 * scale
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    lines.append(f"  {int(wrong.sum())} of {err.size} entries of {name} are wrong; worst {name}[{fmt_index(worst)}]: "
                 f"{yours_and(mine[worst], numerical[worst], 'numerical')}")
    error_map, axes = spatial(err)
    if error_map.size > 1:
        lines.append(f"  where {name} is wrong (darker = larger error{', ' + axes if axes else ''}):")
        lines += heat_map(error_map)
    if verbose:
        lines.append(f"  your {name}:\n{np.array2string(mine, precision=4)}")
        lines.append(f"  numerical {name}:\n{np.array2string(numerical, precision=4)}")

    alias = aliased_grads_hint(layer)  # grads that are the params' own arrays: that explains everything else
    spec = spec_of(case)
    windowed = tensor == "x" and hasattr(spec, "window")
    wrong_forward = (_wrong_forward_line(impl, case, layer, x, out, setup)
                     or (_reach_line(forward, x, params, case) if windowed else None))
    if wrong_forward:  # backward works from what forward computed: no reading of the backward can be trusted
        lines.append(wrong_forward)
    hint = ((Hint("mutation", alias) if alias else None)
            or (hints.FORWARD_FIRST if wrong_forward else None)
            or _rounding_hint(layer, x, v, tensor, out.shape, numerical)
            or _narrow_cache_hint(layer, x, v, tensor, forward, params, out.shape)
            or hints.zeros(mine, numerical, name)
            or hints.rounded(mine, numerical, name)
            or _times_param_hint(mine, numerical, params, name)
            or hints.ratio(mine, numerical, name, batch=getattr(case, "N", None)))
    factor = hints.multiple(mine, numerical)
    if (hint is None or hint.id == "scale") and factor is not None and hasattr(spec, "scale_hint"):
        hint = spec.scale_hint(case, tensor, factor) or hint  # a factor the spec can name tells, even on one entry
    if hint is not None and hint.id == "zeros":  # all zeros here, right once a feature is removed: name that
        zeros_hint = getattr(spec, "zeros_hint", None)
        hint = (counterfactual_hint(impl, case, tensor) or (zeros_hint(impl, case) if zeros_hint else None)
                or (None if nested else _beyond_zeros(impl, case, tensor)) or hint)
    probe_hint = None
    if windowed and not wrong_forward:  # a probe compares with your forward's gradient: no use when that is wrong
        probe_lines, probe_hint = _probe(layer, x, out.shape, forward, params, case)
        lines += probe_lines
    if tensor == "x" and hasattr(spec, "dx_against_true_hint") and (hint is None or hint.id == "scale"):
        # a reading of the whole dx tells more than one probe, or than a factor alone
        hint = spec.dx_against_true_hint(impl, case, mine, v, x, numerical) or hint
    hint = hint or probe_hint
    hint = (hint or hints.rotated(mine, numerical, name) or hints.transposed(mine, numerical, name)
            or hints.clipped(mine, numerical, name))
    # Right with the constructor's parameters: a copy or an overwritten cache, before any reading of the formula.
    hint = hint or (stale_params_hint(impl, case, tensor) if wrong.any() else None)
    if tensor == "x" and hasattr(spec, "dx_hint"):
        hint = hint or spec.dx_hint(mine, v, x)
    if tensor == "x" and hasattr(spec, "dx_param_hint"):
        hint = hint or spec.dx_param_hint(mine, v, x, params)
    if tensor != "x" and hasattr(spec, "param_grad_hint"):
        hint = hint or spec.param_grad_hint(tensor, mine, v, x)
    hint = (hint
            or _quadratic_hint(layer, x, v, tensor, out.shape)
            or _other_gradient_hint(mine, tensor, forward, x, params, v, right)
            or _masked_dx_hint(layer, x, v, tensor, out.shape, forward, params, mine, numerical)
            or _skipped_example_hint(mine, numerical, forward, x, params, v, tensor)
            or (_window_shares_hint(mine, forward, x, params, v, case) if windowed else None))
    hint = hint or counterfactual_hint(impl, case, tensor, stale_asked=bool(wrong.any()))
    if alias:  # the weights themselves were overwritten: whatever known mistake the numbers resemble, this is why
        lines.append(f"  hint: {alias}")
    else:
        hint = _known_bug(impl, type(case).exercise, name, hint, lines)
    return Diagnosis(lines, hint, {name: {"yours": mine, "numerical": numerical}})


def _wrong_forward_line(impl: Implementation, case: LayerCase, layer: Any, x: np.ndarray, out: np.ndarray,
                        setup: Any) -> str | None:
    """Your forward's output `out` on `case` against the trusted reference's with the same parameters (when
    `impl.reference` is set): a line naming the worst entry if they differ, else None."""
    twin = reference_twin(impl, case, layer)
    if twin is None:
        return None
    expected = checked_forward(twin, x, setup.out_shape, setup.formula, keep_input=False)
    if expected.shape != out.shape:
        return f"  your forward is wrong on this case too: out has shape {out.shape}, expected {expected.shape}"
    scale = max(1.0, float(np.abs(expected).max(initial=0)))
    if np.allclose(out, expected, rtol=1e-9, atol=1e-9 * scale):
        return None
    worst = np.unravel_index(int(np.argmax(np.abs(out - expected))), out.shape)
    return f"  your forward is wrong on this case too; worst out[{fmt_index(worst)}]: {yours_and(out[worst], expected[worst])}"


SHARES_LIMIT = 6000  # output positions (H_out * W_out) times x.size: each position costs one numerical gradient


def _reach_line(forward: Callable[..., np.ndarray], x: np.ndarray, params: dict[str, np.ndarray],
                case: LayerCase) -> str | None:
    """A line when your forward's output at some position (i, j) changes as x (N, C, H, W) changes outside the
    window that position covers (the spec's `window`): a forward that reads the wrong cells, for which no reading
    of dx should be blamed. One forward call per output position."""
    if x.ndim != 4:
        return None
    base = forward(x, params)
    if base.ndim != 4:  # a global pool: its window is the whole image
        return None
    elsewhere = x + np.random.default_rng(0).standard_normal(x.shape)  # every cell moved
    window = spec_of(case).window
    for i, j in np.ndindex(*base.shape[2:]):
        rows, cols = window(case, (0, 0, i, j))
        moved = elsewhere.copy()
        moved[:, :, rows, cols] = x[:, :, rows, cols]  # all but the window of (i, j)
        again = forward(moved, params)
        scale = max(1.0, float(np.abs(base[:, :, i, j]).max(initial=0)))
        if not np.allclose(again[:, :, i, j], base[:, :, i, j], rtol=1e-9, atol=1e-9 * scale):
            return (f"  your forward is wrong on this case: its output at position ({i}, {j}) changes when x changes "
                    f"outside the window rows {rows.start}:{rows.stop}, columns {cols.start}:{cols.stop} that "
                    f"position covers (window (i, j) starts at (i*stride, j*stride))")
    return None


def _window_shares_hint(mine: np.ndarray, forward: Callable[..., np.ndarray], x: np.ndarray,
                        params: dict[str, np.ndarray], v: np.ndarray, case: LayerCase) -> Hint | None:
    """Your dx (N, C, H, W) read against each window's share, the numerical gradient of the output at one position
    (i, j) alone (v, dout: (N, F, H_out, W_out), kept at (i, j) only): one share per cell where windows overlap,
    or only each window's first cell (or first row) served, as a return inside the loop over kernel offsets does."""
    if v.ndim != 4 or mine.shape != x.shape or v.shape[2] * v.shape[3] * x.size > SHARES_LIMIT:
        return None
    positions = list(np.ndindex(*v.shape[2:]))
    shares = []
    for i, j in positions:
        alone = np.zeros_like(v)
        alone[:, :, i, j] = v[:, :, i, j]
        shares.append(numerical_gradient(layer_loss(forward, x, params, alone, "x"), x.shape))
    shares = np.stack(shares)  # (positions, N, C, H, W)
    scale = max(float(np.abs(shares).max(initial=0)), 1e-12)
    whole = shares.sum(axis=0)

    def reads(reading: np.ndarray) -> bool:
        return (np.abs(reading - mine).max(initial=0) <= 1e-6 * scale
                and np.abs(reading - whole).max(initial=0) > 1e-6 * scale)

    if getattr(case, "padding", 0) == 0:  # unpadded: a window's first cell is where its slice starts
        window = spec_of(case).window
        first_cell, first_row = np.zeros_like(shares), np.zeros_like(shares)
        for k, position in enumerate(positions):
            rows, cols = window(case, (0, 0, *position))
            first_cell[k, :, :, rows.start, cols.start] = shares[k, :, :, rows.start, cols.start]
            first_row[k, :, :, rows.start, cols] = shares[k, :, :, rows.start, cols]
        for reading, what in ((first_cell, "its first cell (kernel offset (0, 0))"),
                              (first_row, "its first row (kernel offsets (0, q))")):
            if reads(reading.sum(axis=0)):
                return Hint("indexing", f"your dx holds each window's gradient at {what} only, the other cells of "
                                        f"the window get nothing: the loop over the kernel offsets stops after its "
                                        f"first pass (a return or break indented inside it?); every offset (p, q) of "
                                        f"the window adds its part")
    # One share kept per cell, the same window's everywhere: the first window covering the cell or the last (in
    # the order of the positions), as `=` in a loop over them keeps the last and a col2im's fancy `+=` the first.
    touched = np.abs(shares) > 1e-7 * scale
    equal = np.abs(shares - mine) <= 1e-6 * scale
    empty = ~touched.any(axis=0) & (np.abs(mine) <= 1e-6 * scale)
    first = np.argmax(touched, axis=0)
    last = len(positions) - 1 - np.argmax(touched[::-1], axis=0)
    lost = (touched.sum(axis=0) >= 2) & (np.abs(whole - mine) > 1e-6 * scale)
    kept_one = [empty | np.take_along_axis(equal, end[None], axis=0)[0] for end in (first, last)]
    if lost.any() and any(kept.all() for kept in kept_one):
        return Hint("overlap", "where windows overlap, your dx holds the share of one window only, not the sum of all "
                               "the windows covering the cell: `dx[rows, cols] += values` with repeated indices (fancy "
                               "indexing, as in a col2im) adds only once per index, and `=` overwrites; use "
                               "np.add.at(dx, (rows, cols), values), or loop over the kernel offsets adding slices")
    return None


def _narrow_cache_hint(layer: Any, x: np.ndarray, v: np.ndarray, tensor: str, forward: Callable[..., np.ndarray],
                       params: dict[str, np.ndarray], out_shape: tuple[int, ...]) -> Hint | None:
    """Your layer keeps an array in a narrower float type than x (float32 for float64), and that rounding is why
    d{tensor} is wrong: on the same case with x's values rounded to that type first, which the cache then holds
    exactly, d{tensor} is right. (A narrow cache alone proves nothing: it may be unused, or harmless.)"""
    cached = getattr(layer, "__dict__", {}).items()  # a layer with __slots__ has none: no reading
    narrow = {name: value.dtype for name, value in cached
              if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.dtype.itemsize < x.dtype.itemsize}
    if not narrow or x.dtype != np.float64:
        return None
    narrowest = min(narrow.values(), key=lambda dtype: dtype.itemsize)
    with np.errstate(over="ignore"):
        rounded = x.astype(narrowest).astype(np.float64)
    if not np.all(np.isfinite(rounded)):
        return None
    try:
        checked_forward(layer, rounded, out_shape, "", keep_input=False)
        dx, grads = checked_backward(layer, v, rounded, only=tensor)
    except CheckFailure:
        return None
    mine = dx if tensor == "x" else grads.get(tensor)
    if mine is None or mine.shape != (rounded.shape if tensor == "x" else params[tensor].shape):
        return None
    numerical = numerical_gradient(layer_loss(forward, rounded, params, v, tensor), mine.shape)
    if np.abs(mine - numerical).max(initial=0) > 1e-6 * max(float(np.abs(numerical).max(initial=0)), 1e-12):
        return None
    attrs = ", ".join(f"self.{name} ({dtype})" for name, dtype in narrow.items())
    return Hint("dtype", f"your layer keeps {attrs} while x is {x.dtype}: the values are rounded there, so they no "
                         f"longer equal what forward computed (an x == out or an argmax comparison fails, a sum drifts); "
                         f"on x rounded to {narrowest} beforehand your d{tensor} is right. Keep the cache in x's dtype")


def _times_param_hint(mine: np.ndarray, numerical: np.ndarray, params: dict[str, np.ndarray],
                      name: str) -> Hint | None:
    """Your {name} is the true one times (or divided by) a parameter of its shape, entry by entry, or of one value
    per channel (a (C,) parameter against an (N, C, H, W) gradient, as BatchNorm's gamma): that parameter enters
    the chain once too often (or is missing). Only where the parameter is not all ones, and an entry that is not
    zero tells."""
    for key, value in params.items():
        per_channel = value.ndim == 1 and mine.ndim == 4 and value.size == mine.shape[1] and value.shape != mine.shape
        if (value.shape != mine.shape and not per_channel) or np.allclose(value, 1) or not np.any(numerical):
            continue
        how = "channel by channel" if per_channel else "entry by entry"
        value = value.reshape(1, -1, 1, 1) if per_channel else value
        if close(mine, numerical * value):
            why = "" if per_channel else (" (where the output is linear in a parameter, out = a * z + b, the gradients "
                                          "hold no factor of it: da = sum of dout * z, db = sum of dout)")
            return Hint("scale", f"your {name} is exactly the true one times {key}, {how}: a factor {key} "
                                 f"too many in its chain{why}")
        if np.all(value != 0) and close(mine, numerical / value):
            return Hint("scale", f"your {name} is exactly the true one divided by {key}, {how}: a factor "
                                 f"{key} is missing from its chain")
    return None


def _rounding_hint(layer: Any, x: np.ndarray, v: np.ndarray, tensor: str, out_shape: tuple[int, ...],
                   numerical: np.ndarray) -> Hint | None:
    """Your d{tensor} comes out rounded to whole numbers: seen on a dout scaled so that the true gradient's entries
    reach about 100 (a gradient below 1 rounds to zeros, which would prove nothing)."""
    top = float(np.abs(numerical).max(initial=0))
    if top == 0 or not np.all(np.isfinite(numerical)):
        return None
    k = 100.37 / top  # not a whole factor: the scaled true gradient is not whole either
    try:
        checked_forward(layer, x, out_shape, "", keep_input=False)
        dx, grads = checked_backward(layer, k * v, x, only=tensor)
    except CheckFailure:
        return None
    scaled = dx if tensor == "x" else grads.get(tensor)
    if scaled is None:
        return None
    found = hints.rounded(scaled, k * numerical, f"d{tensor}")
    return found and Hint(found.id, found.text + " (seen with dout scaled so that the true gradient reaches about 100)")


def _masked_dx_hint(layer: Any, x: np.ndarray, v: np.ndarray, tensor: str, out_shape: tuple[int, ...],
                    forward: Callable[..., np.ndarray], params: dict[str, np.ndarray], mine: np.ndarray,
                    numerical: np.ndarray) -> Hint | None:
    """Your dx is the true one where x > 0 and 0 elsewhere: an activation's mask applied inside this layer. Seen on
    x and again on -x (where the mask flips): a dx wrong in some other way can match the pattern on one input."""
    if tensor != "x" or mine.shape != x.shape:
        return None
    for attempt, point in enumerate((x, -x)):
        kept = point > 0
        if attempt:
            numerical = numerical_gradient(layer_loss(forward, point, params, v, "x"), x.shape)
            try:
                checked_forward(layer, point, out_shape, "", keep_input=False)
                mine, _ = checked_backward(layer, v, point, only="x")
            except CheckFailure:
                return None
        if not (np.any(numerical[kept]) and np.any(numerical[~kept])) or not close(mine, numerical * kept):
            return None
    return Hint("mask", "your dx is the true one where x > 0 and 0 where x <= 0: a rectifier's mask (x > 0) is "
                        "applied inside this layer's backward; this layer's dx has no mask (an activation layer "
                        "applies its own, in its own backward)")


def _skipped_example_hint(mine: np.ndarray, true: np.ndarray, forward: Callable[..., np.ndarray], x: np.ndarray,
                          params: dict[str, np.ndarray], v: np.ndarray, tensor: str) -> Hint | None:
    """Your d{tensor} is the gradient with the first (or the last) example of the batch left out (a loop over the
    batch that starts at 1, or stops one short), or with the last example standing in for the others (a cache
    written in a loop over the batch). Each reading must differ from the true gradient (`true`) to be one."""
    if x.shape[0] < 2:
        return None
    for which, index, how in (("first", 0, "a loop over the batch starting at 1 (range(1, N)), or a slice [1:]; or, "
                                           "where only the last example counts, = where += belongs in a loop over "
                                           "the batch"),
                              ("last", -1, "a loop over the batch that stops one short (range(N - 1)), or a slice "
                                           "[:-1]")):
        without = v.copy()
        without[index] = 0
        numerical = numerical_gradient(layer_loss(forward, x, params, without, tensor), mine.shape)
        if np.any(numerical) and close(mine, numerical) and not close(numerical, true):
            return Hint("batch", f"your d{tensor} leaves out the {which} example of the batch: {how}; every example "
                                 f"contributes")
    if tensor != "x":
        last = np.zeros_like(v)
        last[-1] = v[-1]
        alone = numerical_gradient(layer_loss(forward, x, params, last, tensor), mine.shape)
        repeated = np.broadcast_to(x[-1:], x.shape).copy()  # every example's input replaced by the last one's
        paired = numerical_gradient(layer_loss(forward, repeated, params, v, tensor), mine.shape)
        for numerical, what in ((alone, "the last example's contribution alone"),
                                (paired, "every example's dout paired with the last example's input")):
            if np.any(numerical) and close(mine, numerical) and not close(numerical, true):
                return Hint("batch", f"your d{tensor} is {what}: something kept for backward (a cache such as the "
                                     f"columns of x, written in a loop over the batch) holds only the last image; a "
                                     f"parameter's gradient sums each example's dout times that example's own input")
    return None


def _other_gradient_hint(mine: np.ndarray, tensor: str, forward: Callable[..., np.ndarray], x: np.ndarray,
                         params: dict[str, np.ndarray], v: np.ndarray, right: dict[str, bool]) -> Hint | None:
    """Your d{tensor} holds the values of another gradient of the same size (db's in dW, say): the results of a
    split (of an augmented matrix, a stacked array) taken in the wrong order when that other gradient is wrong too,
    or a gradient computed from the other one (`right` says which others are right)."""
    others = {"x": x, **params}
    for other, value in others.items():
        if other == tensor or value.size != mine.size or value.size < 1:
            continue
        numerical = numerical_gradient(layer_loss(forward, x, params, v, other), value.shape)
        if np.any(numerical) and close(mine.ravel(), numerical.ravel()) and right.get(other):
            return Hint("swapped", f"your d{tensor} holds the values of d{other} (which is right): d{tensor} is "
                                   f"computed from d{other} (a sum of its rows or columns, say), or from what d{other} "
                                   f"is made of; each gradient follows from dout and the cache by its own chain rule")
        if np.any(numerical) and close(mine.ravel(), numerical.ravel()):
            return Hint("swapped", f"your d{tensor} holds the values of d{other}: the gradients are computed, but "
                                   f"stored in each other's places (an augmented or stacked array split in the wrong "
                                   f"order, say: a bias row or column appended last but read first)")
    return None


def _quadratic_hint(layer: Any, x: np.ndarray, v: np.ndarray, tensor: str, out_shape: tuple[int, ...]) -> Hint | None:
    """d{tensor} grows 4 times when dout doubles: dout enters twice (a gradient of this call where a parameter
    belongs, or a cache that backward overwrote with something computed from dout)."""
    found = []
    for dout in (v, 2 * v):  # each after its own forward on x: the numerical gradient left another input cached
        try:
            checked_forward(layer, x, out_shape, "", keep_input=False)
            dx, grads = checked_backward(layer, dout, x, only=tensor)
        except CheckFailure:
            return None
        found.append(dx if tensor == "x" else grads.get(tensor))
    once, twice = found
    if once is None or twice is None or twice.shape != once.shape:
        return None
    if np.abs(twice - 4 * once).max(initial=0) > 1e-6 * max(float(np.abs(once).max(initial=0)), 1e-12):
        return None
    return Hint("ignores_dout", f"your d{tensor} is not linear in dout: doubling dout made it 4 times larger, so dout "
                                "enters twice; look for a gradient of this call used where a parameter or the input "
                                "belongs (dout @ dW.T where dout @ W.T is meant), or a cache overwritten in backward")


def _beyond_zeros(impl: Implementation, case: LayerCase, tensor: str) -> Hint | None:
    """A gradient all zeros on the smallest case may hide why (a mask inverted, on an input with no negative
    entry): the hint a larger case gives, if it gives a more specific one."""
    enlarged = getattr(spec_of(case), "enlarged", None)
    bigger = enlarged(case) if enlarged is not None else case
    try:
        if bigger == case or layer_directional(impl, bigger, tensor).passed:
            return None
        found = diagnose_layer(impl, bigger, tensor, nested=True).hint
    except CheckFailure:
        return None
    if found is None or found.id == "zeros":
        return None
    return Hint(found.id, f"your d{tensor} is all zeros on this case; on a larger one ({bigger}): {found.text}")


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


PROBES = 6  # output positions a probe may try; the shrunk cases a diagnosis runs on are small


def _probe(layer: Any, x: np.ndarray, out_shape: tuple[int, ...], forward: Callable[..., np.ndarray],
           params: dict[str, np.ndarray], case: LayerCase) -> tuple[list[str], Hint | None]:
    """Send a gradient of 1 from one output position (the usual one; else, of a few more, the first that lands
    wrong: a permuted dout sends some positions' gradients home); compare the window it lands on."""
    tried = []
    others = [tuple(int(i) for i in k) for k in np.ndindex(*out_shape)][:PROBES]
    for position in list(dict.fromkeys([probe_position(out_shape), *others]))[:PROBES]:
        dout = np.zeros(out_shape)
        dout[position] = 1.0
        checked_forward(layer, x, out_shape, "", keep_input=False)
        mine, _ = checked_backward(layer, dout, x, only="x")
        expected = numerical_gradient(layer_loss(forward, x, params, dout, "x"), x.shape)
        tried.append(f"out[{fmt_index(position)}]")
        if not hints.close(mine, expected):
            break
    spec = spec_of(case)
    rows, cols = spec.window(case, position)
    n = position[0]
    lines = [f"  probe: gradient 1 sent from out[{fmt_index(position)}] only; dx[{n}, :, {rows.start}:{rows.stop}, "
             f"{cols.start}:{cols.stop}] summed over channels:"]
    yours_w, expected_w = mine[n, :, rows, cols].sum(axis=0), expected[n, :, rows, cols].sum(axis=0)
    if hints.close(mine, expected):  # probes that agree show nothing; say what they rule out instead
        if len(others) == 1:  # one output: a gradient of 1 from it is right, so another value of dout is not
            return [f"  probe: a gradient of 1 sent from {tried[0]} lands exactly right; your dx goes wrong with other "
                    "values of dout (rounded, capped, or compared with something)"], None
        return [f"  probe: a gradient of 1 sent from any one of {', '.join(tried)} alone lands exactly right; your dx "
                "goes wrong when several outputs send gradients at once (where windows overlap, their gradients add "
                "up: +=, not =), or with values of dout other than 1"], None
    lines += side_by_side(yours_w, expected_w, ("yours", "expected"))
    outside = mine.copy()
    outside[n, :, rows, cols] = 0
    landing = spec.probe_landing_hint(mine, expected) if hasattr(spec, "probe_landing_hint") else None
    if landing is not None and landing.id == "order":
        # In another image or channel: the windows are right, their pairing with dout is not (and the picture above,
        # summed over channels, hides that).
        return lines, landing
    hint = spec.probe_hint(yours_w, expected_w) if hasattr(spec, "probe_hint") else None
    hint = hint or hints.probe_transposed(yours_w, expected_w)
    if np.any(outside) and hint is None:
        hint = Hint("stride", "the gradient of one output lands outside the window that output came from: "
                              "window (i, j) starts at (i*stride, j*stride) in backward as in forward")
    return lines, hint or landing
