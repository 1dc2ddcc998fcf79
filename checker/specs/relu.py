"""Exercise relu: ReLU, elementwise max(x, 0) on an input of any shape (everything the kit knows of it beyond the
generic layer checks)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from hypothesis import strategies as st

from gradkit.checker import contract, inputs
from gradkit.checker.guard import call, construct
from gradkit.checker.hints import Hint
from gradkit.checker.results import CheckFailure
from gradkit.checker.strategies import seeds


class ReluCase(NamedTuple):
    shape: tuple[int, ...]
    seed: int

    exercise = "relu"

    @property
    def x_shape(self) -> tuple[int, ...]:
        return self.shape

    @property
    def out_shape(self) -> tuple[int, ...]:
        return self.shape

    out_formula = "the shape of x"

    def __str__(self) -> str:
        return f"x of shape {self.shape}"


Case = ReluCase


def cases() -> st.SearchStrategy[Case]:
    """Any shape of 1 to 4 axes, sides 1..5."""
    shapes = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)
    return st.builds(Case, shape=shapes, seed=seeds)


relu_cases = cases

# ---------------------------------------------------------------- building and checking

PARAMS = ()


def build(impl: Any, case: Case, rng: np.random.Generator) -> Any:
    return construct(impl.ReLU)


def make_input(case: Case, rng: np.random.Generator) -> np.ndarray:
    return inputs.distinct(rng, case.x_shape)  # no kinks


def check_forward_extra(impl: Any) -> None:
    """ReLU of huge finite inputs (up to the dtype's largest float) is finite: max(x, 0) cannot overflow.

    Finite differences and Gaussian inputs never go near 3.4e38 (float32) or 1.8e308 (float64), where a
    formula such as (x + |x|) / 2 overflows to inf while max(x, 0) does not. Only finiteness is the
    contract's business here: a wrong finite value is the forward-value test's (one mistake, one charge)."""
    for dtype in (np.float32, np.float64):
        big = np.finfo(dtype).max
        x = np.array([big, -big, big / 2, -big / 2, big / 3, 1.0, -1.0], dtype=dtype)
        out = contract.require_array(call(construct(impl.ReLU), "forward", x.copy()), "ReLU.forward", "the output")
        if out.shape != x.shape or np.isfinite(out).all():
            continue
        bad = int(np.argmax(~np.isfinite(out)))
        why = ("x + |x| (or 2 * x) exceeds the largest float and overflows to inf before the division; use "
               "np.maximum(x, 0) or x * (x > 0)")
        if dtype == np.float64 and _overflows_float32(impl):
            why = ("ReLU(1e39) of a float64 input is inf as well, far below the overflow of x + |x|: your forward "
                   "computes in float32 (largest value 3.4e38) somewhere; keep x's dtype throughout")
        raise CheckFailure(
            f"ReLU.forward of a huge finite {np.dtype(dtype).name} input is not finite: ReLU({x[bad]:.4g}) gave "
            f"{out[bad]:.4g}, expected {max(x[bad], 0):.4g}\n  hint: {why}\n  case: x = "
            f"{np.array2string(x, precision=4, max_line_width=400)}",
            tensor="out", hint="overflow")
    _large_values_pass(impl)


def _overflows_float32(impl: Any) -> bool:
    """Whether ReLU of float64 values just past float32's largest (3.4e38) is not finite: a float32 cast inside."""
    x = np.array([1e39, 1e300, 1.0])
    try:
        out = np.asarray(call(construct(impl.ReLU), "forward", x.copy()), dtype=float)
    except (CheckFailure, ValueError, TypeError):
        return False
    return out.shape == x.shape and not np.isfinite(out[0])


def _large_values_pass(impl: Any) -> None:
    """ReLU of inputs well beyond the Gaussian range of the other checks (7, 100, 1e4) is the input itself, for a
    forward right on ordinary values: a clip at 6 (ReLU6) or any other ceiling shows only there."""
    usual = np.array([-2.0, -0.5, 0.5, 2.0, 3.0])
    try:
        right = np.allclose(np.asarray(call(construct(impl.ReLU), "forward", usual.copy()), dtype=float),
                            np.maximum(usual, 0), rtol=1e-12, atol=0)
    except (ValueError, TypeError):  # not an array of the right shape: other checks say so
        right = False
    if not right:
        return  # wrong on ordinary values too: the forward-value test charges that (one mistake, one charge)
    x = np.array([6.5, 7.0, 10.0, 100.0, 1e4, 1e39, 1e300, -7.0, -100.0])  # 1e39: beyond float32's largest
    out = contract.require_array(call(construct(impl.ReLU), "forward", x.copy()), "ReLU.forward", "the output")
    want = np.maximum(x, 0)
    with np.errstate(invalid="ignore"):
        if out.shape != x.shape or np.allclose(out, want, rtol=1e-12, atol=0):
            return
        bad = int(np.argmax(~np.isclose(out, want, rtol=1e-12, atol=0)))
        capped = np.allclose(out, np.minimum(want, 6.0))
        single = np.allclose(out, np.minimum(want, float(np.finfo(np.float32).max)), rtol=1e-7, atol=0)
    why = ("that is ReLU6, min(max(x, 0), 6): ReLU has no ceiling" if capped else
           "your float64 output is capped at float32's largest value, 3.4e38 (a clip at np.finfo(np.float32).max): "
           "ReLU has no ceiling, in any dtype" if single else
           "ReLU passes every positive value through unchanged, however large")
    raise CheckFailure(
        f"ReLU.forward is wrong for large inputs: ReLU({x[bad]:g}) gave {out[bad]:.6g}, expected {want[bad]:g}\n"
        f"  hint: {why}; use np.maximum(x, 0)\n  case: x = {np.array2string(x, max_line_width=400)}",
        tensor="out", hint="ceiling" if capped or single else None)


def check_backward_extra(impl: Any) -> None:
    """dx is not 0 wherever x > 0, however small x is (1e-300, a float32 subnormal), nor dout wherever x < 0, and
    at x = 0 (and -0.0) it is a slope from 0 to 1 times dout (never nan): the gradient checks' Gaussian inputs never
    come near 0, where a threshold (x > 1e-8, x > -1e-8) moves the kink and out / x divides by zero.
    Only a mask's all-or-nothing answer on the wrong side is charged: a slope between 0 and 1 near the kink (a
    numerical backward's) is not a threshold. Charged only to a backward right on ordinary values (else the
    gradient test charges it: one mistake, one charge)."""
    usual = np.array([-2.0, -0.5, 0.5, 2.0])
    layer = construct(impl.ReLU)
    call(layer, "forward", usual.copy())
    try:
        right = np.allclose(np.asarray(call(layer, "backward", np.ones(4)), dtype=float), usual > 0, rtol=1e-6, atol=0)
    except (ValueError, TypeError):  # not an array of the right shape: the contract says so
        right = False
    if not right:
        return
    for dtype, tiny in ((np.float64, [1e-300, 1e-30, 1e-12, 1e-9, 1e-7]), (np.float32, [1e-40, 1e-30, 1e-9, 1e-7])):
        x = np.array([*tiny, *(-t for t in tiny), 2.0, -2.0, 0.0, -0.0], dtype=dtype)
        dout = np.linspace(1.0, 2.0, x.size).astype(dtype)
        layer = construct(impl.ReLU)
        call(layer, "forward", x.copy())
        dx = contract.require_array(call(layer, "backward", dout.copy()), "ReLU.backward", "dx")
        want = np.where(x > 0, dout, 0)
        if dx.shape != x.shape:
            continue  # the contract's business above
        wrong_side = ((x > 0) & (dx == 0)) | ((x < 0) & (dx == dout))
        with np.errstate(invalid="ignore"):
            off_kink = (x == 0) & ~((dx >= 0) & (dx <= dout))  # dout > 0: a slope from 0 to 1; NaN is neither
        if off_kink.any():
            bad = int(np.argmax(off_kink))
            raise CheckFailure(
                f"ReLU.backward at x = 0 ({np.dtype(dtype).name}) gives dx = {dx[bad]:.4g} for dout = {dout[bad]:.4g}: "
                f"at the kink any slope from 0 to 1 is fine (dx from 0 to dout), not this\n  hint: a slope computed "
                f"as out / x (or dout * out / x) is 0 / 0 = nan at x = 0; use the mask x > 0\n  case: x = "
                f"{np.array2string(x, precision=3, max_line_width=400)}", tensor="dx", hint="mask")
        if not wrong_side.any():
            continue
        bad = int(np.argmax(wrong_side))
        raise CheckFailure(
            f"ReLU.backward is wrong for tiny inputs: at x = {x[bad]:.3g} ({np.dtype(dtype).name}) dx is "
            f"{dx[bad]:.4g}, expected {want[bad]:.4g} (dout there)\n  hint: the slope is 1 for every x > 0, however "
            f"small: mask with x > 0 exactly, not with a threshold such as x > 1e-8\n  case: x = "
            f"{np.array2string(x, precision=3, max_line_width=400)}", tensor="dx", hint="mask")


# ---------------------------------------------------------------- diagnosis

def dx_hint(dx: np.ndarray, dout: np.ndarray, x: np.ndarray) -> Hint | None:
    """ReLU's dx read as dout times a slope on each side of 0: the slopes say what the code computed."""
    neg, pos = x < 0, x > 0
    leak = neg & (dx != 0)
    times_out = dout * np.maximum(x, 0)
    if pos.any() and not np.allclose(x[pos], 1) and np.allclose(dx, times_out, rtol=1e-6, atol=0):
        return Hint("mask", "your dx is dout times the output max(x, 0), entry by entry: backward multiplies by the "
                            "cached output where the mask belongs; dx = dout * (x > 0)")
    sides = _slopes(dx, dout, pos), _slopes(dx, dout, neg)
    if sides[0] is not None and abs(sides[0] - 1) > 1e-6 and (sides[1] is None or abs(sides[1] + 0.5) < 1e-6):
        precedence = abs(sides[0] - 1.5) < 1e-6  # sign(x) + 1 / 2 = sign(x) + 0.5: 1.5 above 0, -0.5 below
        below = " (and -0.5 x dout where x < 0)" if sides[1] is not None else ""
        return Hint("mask", f"where x > 0 your dx is {sides[0]:.4g} x dout" + (
            f"{below}: as dout * (sign(x) + 1 / 2) gives, which is sign(x) + 0.5; parenthesise, (sign(x) + 1) / 2, or "
            "use x > 0" if precedence else
            ": ReLU's slope there is 1, so dx = dout where x > 0, else 0"))
    if neg.any() and pos.any() and np.allclose(dx, dout * neg, rtol=1e-6, atol=0):
        return Hint("mask", "your dx is dout where x < 0 and 0 where x > 0: the mask is inverted; dx = dout where "
                            "x > 0, else 0")
    if leak.any() and np.allclose(dx, dout * (dout > 0), rtol=1e-6, atol=0):
        return Hint("mask", "your dx is dout wherever dout > 0: the mask comes from the forward input x (cache x > 0 "
                            "in forward), not from dout")
    if leak.any():
        slope = dx[leak] / dout[leak]
        if np.allclose(slope, 1.0, rtol=1e-6):
            return Hint("mask", "where x < 0 your dx equals dout: the mask is never applied, or it is true for negative "
                                "x too (out >= 0, x != 0 and x.astype(bool) are); dx = dout where x > 0, else 0")
        if slope.size > 1 and np.allclose(slope, slope[0], rtol=1e-6):
            return Hint("mask", f"where x < 0 your dx is {slope[0]:.4g} x dout: ReLU's slope there is 0 (a leaky "
                                "ReLU's is not); dx = dout where x > 0, else 0")
        moved = set(np.round(dx[dx != 0], 12)) <= set(np.round(dout[pos], 12))
        if moved:
            return Hint("indexing", "your dx holds values of dout at x > 0, some in other places (where x < 0): the "
                                    "right values at the wrong indices; np.put and flat indices take one index per "
                                    "entry of the flattened array, np.nonzero gives one array per axis (use "
                                    "dx[x > 0] = dout[x > 0], or dout * (x > 0))")
        if np.allclose(dx[neg], x[neg], rtol=1e-9):
            return Hint("mask", "where x < 0 your dx holds x itself: dx started as a copy of x and only the entries "
                                "at x > 0 were set; start from zeros (np.zeros_like(x)), or write dout * (x > 0)")
        return Hint("mask", "your dx is not zero where x < 0: dx must be 0 there, dout where x > 0 (the mask from "
                            "the forward input x, cached in forward, not from dout; a dx started from zeros)")
    blocked = pos & (dout < 0)
    if blocked.any() and np.allclose(dx, dout * pos * (dout > 0), rtol=1e-6, atol=0):
        return Hint("mask", "your dx is 0 where dout < 0, even where x > 0: a negative gradient is blocked too (as "
                            "guided backpropagation does); ReLU passes dout whole, of either sign, where x > 0: "
                            "dx = dout * (x > 0)")
    if pos.any() and np.allclose(dx[pos], dout[pos] * x[pos], rtol=1e-6):
        return Hint("mask", "where x > 0 your dx is dout times x (the output): the derivative of max(x, 0) is 1 "
                            "there, so multiply dout by the mask (x > 0), not by the output")
    return None


def zeros_hint(impl: Any, case: Case) -> Hint | None:
    """Your dx is all zeros on `case`, where every row (image, slice along an axis) has a negative entry: the mask
    may be taken per slice, not per entry. Read on an input whose first slice along each axis is all positive."""
    for shape in ((3, 4), (2, 2, 3, 3)):
        x = inputs.distinct(np.random.default_rng(7), shape)
        for axis in range(len(shape)):
            x = np.moveaxis(x, axis, 0)
            x[0] = np.abs(x[0])  # one slice with nothing to mask: a slice-wise mask keeps it whole
            x = np.moveaxis(x, 0, axis)
        dout = inputs.distinct(np.random.default_rng(8), shape)
        try:
            layer = construct(impl.ReLU)
            call(layer, "forward", x.copy())
            dx = np.asarray(call(layer, "backward", dout.copy()), dtype=np.float64)
        except (CheckFailure, ValueError, TypeError):
            return None
        if dx.shape != shape:
            return None
        for axis in range(len(shape)):
            others = tuple(a for a in range(len(shape)) if a != axis)
            kept = np.all(x > 0, axis=others, keepdims=True)
            reading = dout * kept
            if not np.allclose(reading, dout * (x > 0)) and np.allclose(dx, reading, rtol=1e-9, atol=0):
                return Hint("indexing", f"your dx is all zeros here because it zeroes whole slices along axis {axis}: "
                                        f"wherever a slice (index i of axis {axis}) has any entry <= 0, your dx is 0 "
                                        f"on all of it; an index array for one axis alone (dx[np.where(x <= 0)"
                                        f"[{axis}]] = 0, or np.nonzero(...)[{axis}]) selects whole slices. Mask entry "
                                        f"by entry: dx[x <= 0] = 0, or dout * (x > 0)")
    return None


def _slopes(dx: np.ndarray, dout: np.ndarray, where: np.ndarray) -> float | None:
    """The one slope dx / dout shared by every entry of `where` with dout != 0, or None (none, or several)."""
    seen = where & (dout != 0)
    if not seen.any():
        return None
    slope = dx[seen] / dout[seen]
    return float(slope[0]) if np.allclose(slope, slope[0], rtol=1e-6, atol=0) else None


def forward_hint(impl: Any, config: dict[str, int], example: dict[str, np.ndarray]) -> Hint | None:
    """Your output on a stored example, when it is exactly another elementwise function of x."""
    x = example["x"]
    try:
        out = np.asarray(call(construct(impl.ReLU), "forward", x.copy()), dtype=np.float64)
    except (CheckFailure, ValueError, TypeError):
        return None
    if out.shape != x.shape:
        return None
    others = [
        (np.minimum(x, 0), "mask", "your output is min(x, 0): np.minimum where np.maximum belongs (ReLU keeps the "
                                   "positive part, max(x, 0))"),
        (np.abs(x), "mask", "your output is |x|: ReLU sets the negative entries to 0, it does not flip their sign"),
        (x, "mask", "your output is x unchanged: ReLU sets the negative entries to 0, np.maximum(x, 0)"),
        (np.maximum(x, 0).astype(np.float32).astype(np.float64), "dtype", "your output is max(x, 0) rounded to "
                                                                          "float32: compute in x's dtype, float64 here"),
    ]
    for other, hint_id, text in others:
        if np.array_equal(out, other) and not np.array_equal(other, np.maximum(x, 0)):
            return Hint(hint_id, text)
    negative = x < 0
    if negative.any() and np.array_equal(out[~negative], x[~negative]) and np.any(out[negative]):
        slope = out[negative] / x[negative]
        if np.allclose(slope, slope[0], rtol=1e-9):
            return Hint("mask", f"your output is {slope[0]:.4g} x x where x < 0 (a leaky ReLU): ReLU's output there "
                                "is 0")
    return None


# ---------------------------------------------------------------- stored examples, pictures, fingerprints

CONFIG_FIELDS = ()

# Stored forward examples (`python -m gradkit.release.fixtures` writes them from the reference): (x shape, settings);
# chosen to cover padding, strides that do not divide, non-square kernels and images, C != F, overlapping windows.
EXAMPLES = [((3, 4), {}), ((2, 3, 4, 5), {})]


def build_from_config(impl: Any, config: dict[str, int]) -> Any:
    return construct(impl.ReLU)


def formula(config: dict[str, int], x_shape: tuple[int, ...]) -> str:
    return Case.out_formula


PLOT_CASE = Case(shape=(4, 6), seed=0)


def another_size(case: Case) -> Case:
    """The same layer's case on an input of another shape: one more along every axis."""
    return case._replace(shape=tuple(d + 1 for d in case.shape))


def enlarged(case: Case) -> Case:
    return case._replace(shape=(max(int(np.prod(case.shape[:-1])), 4), max(case.shape[-1], 6)))


PROBE_CASES = [Case(shape=(3, 5), seed=105), Case(shape=(2, 2, 3, 3), seed=106)]
