"""Contract checks of a layer for one case, as the graded tests call them.

float32 input must give float32 output (training runs in float32), float64 input float64.
"""

from __future__ import annotations

import numpy as np

from gradkit.checker import contract, inputs
from gradkit.checker.guard import call
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CannotLoad, CheckFailure, NotImplementedYet, judged_where_possible
from gradkit.checker.setups import LayerCase, build
from gradkit.checker.specs import spec_of


def _with_case(failure: CheckFailure, case: LayerCase) -> CheckFailure:
    if "\n  case:" not in failure.message and not isinstance(failure, (NotImplementedYet, CannotLoad)):
        failure.message += f"\n  case: {case}"
    failure.case = case
    return failure


def check_forward_contract(impl: Implementation, case: LayerCase) -> None:
    """forward returns an array of the expected shape, in the input's dtype (float64 and float32), finite, x unchanged,
    and the same values whatever x's memory order."""
    try:
        outs = {}
        for dtype in (np.float64, np.float32):
            setup = build(impl, case, np.random.default_rng(case.seed))
            outs[dtype] = contract.checked_forward(setup.layer, setup.x.astype(dtype), setup.out_shape, setup.formula)
        _same_in_any_memory_order(impl, case, outs[np.float64])
    except CheckFailure as failure:
        if failure.hint == "shape" and _sides_swapped(impl, case):
            failure.hint = "square"
            failure.message += ("\n  hint: your output has the size a KW x KH window gives: KH and KW are swapped "
                                "somewhere (a kernel_size pair unpacked in the other order, or a row count taken from "
                                "KW); a window is KH rows by KW columns")
        raise _with_case(failure, case) from None
    extra = getattr(spec_of(case), "check_forward_extra", None)  # what a spec adds to the generic contract
    if extra is not None:
        extra(impl)


def _sides_swapped(impl: Implementation, case: LayerCase) -> bool:
    """Whether your forward's output has the shape the case gives with KH and KW swapped (and not the right one)."""
    KH, KW = getattr(case, "KH", None), getattr(case, "KW", None)
    if KH is None or KH == KW:
        return False
    swapped = case._replace(KH=KW, KW=KH)
    try:
        setup = build(impl, case, np.random.default_rng(case.seed))
        shape = getattr(call(setup.layer, "forward", setup.x), "shape", None)
        return shape == swapped.out_shape != case.out_shape
    except Exception:  # noqa: BLE001 - a case the swap makes invalid, or student code that raises: no reading
        return False


def _same_in_any_memory_order(impl: Implementation, case: LayerCase, row_major: np.ndarray) -> None:
    """forward gives `row_major` (what it gave for x in C order) for the same x in column-major order too.

    Arrays in a network are often not C-contiguous (a transpose, a slice, another layer's output): code that works
    out strides from the shape and itemsize reads the wrong memory for them."""
    if getattr(spec_of(case), "RANDOM", False):  # two forwards differ by design (Dropout): nothing to compare
        return
    setup = build(impl, case, np.random.default_rng(case.seed))
    x = setup.x
    if np.asfortranarray(x).flags.c_contiguous:  # one layout only (a vector, or every axis but one of length 1)
        return
    out = contract.checked_forward(setup.layer, x, setup.out_shape, setup.formula, order="F")
    wrong = ~np.isclose(out, row_major, rtol=1e-7, atol=1e-9)  # summed in another order at most
    if wrong.any() and _repeatable(impl, case, row_major):  # else the layer is random: not a memory-order matter
        index = tuple(int(i) for i in np.argwhere(wrong)[0])
        cls = type(setup.layer).__name__
        raise CheckFailure(
            f"{cls}.forward gives another out for the same x stored column-major (np.asfortranarray(x); a transposed "
            f"or sliced array is not row-major either): out{list(index)} = {out[index]:+.6g}, with x row-major "
            f"{row_major[index]:+.6g} ({int(wrong.sum())} of {wrong.size} entries differ)\n  hint: take strides "
            f"from x.strides, or call np.ascontiguousarray(x) first, never work them out from the shape and itemsize",
            tensor="out", hint="memory_order")


def _repeatable(impl: Implementation, case: LayerCase, first: np.ndarray) -> bool:
    """Whether a fresh layer built the same way gives `first` again on the same row-major x (random numbers drawn
    from anywhere but the layer's own generator, a global RNG say, give another output every time)."""
    setup = build(impl, case, np.random.default_rng(case.seed))
    again = contract.checked_forward(setup.layer, setup.x, setup.out_shape, setup.formula)
    return bool(np.allclose(again, first, rtol=1e-7, atol=1e-9))


@judged_where_possible
def check_backward_contract(impl: Implementation, case: LayerCase) -> None:
    """backward returns dx like x, sets grads like params, leaves dout alone, is deterministic and linear in dout."""
    try:
        for dtype in (np.float64, np.float32):
            rng = np.random.default_rng(case.seed)
            setup = build(impl, case, rng)
            dout = inputs.gaussian(rng, setup.out_shape).astype(dtype)
            contract.check_backward_contract(setup.layer, setup.x.astype(dtype), dout, setup.out_shape, setup.formula)
    except CheckFailure as failure:
        raise _with_case(failure, case) from None
    extra = getattr(spec_of(case), "check_backward_extra", None)  # what a spec adds to the generic contract
    if extra is not None:
        extra(impl)
