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
        raise CheckFailure(
            f"ReLU.forward of a huge finite {np.dtype(dtype).name} input is not finite: ReLU({x[bad]:.4g}) gave "
            f"{out[bad]:.4g}, expected {max(x[bad], 0):.4g}\n  hint: x + |x| (or 2 * x) exceeds the largest float and "
            "overflows to inf before the division; use np.maximum(x, 0) or x * (x > 0)\n  case: x = "
            f"{np.array2string(x, precision=4, max_line_width=400)}",
            tensor="out", hint="overflow")
    _large_values_pass(impl)


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
    x = np.array([6.5, 7.0, 10.0, 100.0, 1e4, -7.0, -100.0])
    out = contract.require_array(call(construct(impl.ReLU), "forward", x.copy()), "ReLU.forward", "the output")
    want = np.maximum(x, 0)
    if out.shape != x.shape or np.allclose(out, want, rtol=1e-12, atol=0):
        return
    bad = int(np.argmax(~np.isclose(out, want, rtol=1e-12, atol=0)))
    capped = np.allclose(out, np.minimum(want, 6.0))
    why = ("that is ReLU6, min(max(x, 0), 6): ReLU has no ceiling" if capped else
           "ReLU passes every positive value through unchanged, however large")
    raise CheckFailure(
        f"ReLU.forward is wrong for large inputs: ReLU({x[bad]:g}) gave {out[bad]:.6g}, expected {want[bad]:g}\n"
        f"  hint: {why}; use np.maximum(x, 0)\n  case: x = {np.array2string(x, max_line_width=400)}",
        tensor="out", hint="ceiling" if capped else None)


def check_backward_extra(impl: Any) -> None:
    """dx is not 0 wherever x > 0, however small x is (1e-300, a float32 subnormal), nor dout wherever x < 0: the
    gradient checks' Gaussian inputs never come near 0, where a threshold (x > 1e-8, x > -1e-8) moves the kink.
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
        x = np.array([*tiny, *(-t for t in tiny), 2.0, -2.0], dtype=dtype)
        dout = np.linspace(1.0, 2.0, x.size).astype(dtype)
        layer = construct(impl.ReLU)
        call(layer, "forward", x.copy())
        dx = contract.require_array(call(layer, "backward", dout.copy()), "ReLU.backward", "dx")
        want = np.where(x > 0, dout, 0)
        if dx.shape != x.shape:
            continue  # the contract's business above
        wrong_side = ((x > 0) & (dx == 0)) | ((x < 0) & (dx == dout))
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
    if leak.any() and np.allclose(dx, dout * (dout > 0), rtol=1e-6, atol=0):
        return Hint("mask", "your dx is dout wherever dout > 0: the mask comes from the forward input x (cache x > 0 "
                            "in forward), not from dout")
    if leak.any():
        slope = dx[leak] / dout[leak]
        if np.allclose(slope, 1.0, rtol=1e-6):
            return Hint("mask", "where x < 0 your dx equals dout: the mask is never applied (or its condition is "
                                "always true, such as out >= 0); dx = dout where x > 0, else 0")
        if np.allclose(slope, slope[0], rtol=1e-6):
            return Hint("mask", f"where x < 0 your dx is {slope[0]:.4g} x dout: ReLU's slope there is 0 (a leaky "
                                "ReLU's is not); dx = dout where x > 0, else 0")
        return Hint("mask", "your dx is not zero where x < 0: the mask comes from the forward input x "
                            "(cache it in forward), not from dout")
    if pos.any() and np.allclose(dx[pos], dout[pos] * x[pos], rtol=1e-6):
        return Hint("mask", "where x > 0 your dx is dout times x (the output): the derivative of max(x, 0) is 1 "
                            "there, so multiply dout by the mask (x > 0), not by the output")
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
