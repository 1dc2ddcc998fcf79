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
        reading = failure.hint == "shape" and _shape_reading(impl, case)
        if reading:
            failure.hint, text = reading
            failure.message += f"\n  hint: {text}"
        elif failure.hint == "shape" and _sides_swapped(impl, case):
            failure.hint = "square"
            failure.message += ("\n  hint: your output has the size a KW x KH window gives: KH and KW are swapped "
                                "somewhere (a kernel_size pair unpacked in the other order, or a row count taken from "
                                "KW); a window is KH rows by KW columns")
        raise _with_case(failure, case) from None
    extra = getattr(spec_of(case), "check_forward_extra", None)  # what a spec adds to the generic contract
    if extra is not None:
        extra(impl)


def _forward_output(impl: Implementation, case: LayerCase) -> tuple[np.ndarray, np.ndarray] | None:
    """(x, your forward's output) on the case (None if it raises or returns no array)."""
    try:
        setup = build(impl, case, np.random.default_rng(case.seed))
        out = call(setup.layer, "forward", setup.x.copy())
    except Exception:  # noqa: BLE001 - student code: no reading
        return None
    return (setup.x, out) if isinstance(out, np.ndarray) else None


def _forward_shape(impl: Implementation, case: LayerCase) -> tuple[int, ...] | None:
    """The shape your forward returns on the case (None if it raises or returns no array)."""
    found = _forward_output(impl, case)
    return None if found is None else found[1].shape


def _shape_reading(impl: Implementation, case: LayerCase) -> tuple[str, str] | None:
    """(hint id, text) when your output's wrong shape is one a known slip gives: the padding of a 'same' convolution
    assumed instead of the layer's own, the shape of one window (a maximum or mean taken over the window positions'
    axes of a window view, not the window's own), or one side's size computed from the other side's number."""
    padding, KH = getattr(case, "padding", None), getattr(case, "KH", None)
    if KH is None:
        return None
    found = _forward_output(impl, case)
    if found is None or found[1].shape == case.out_shape:
        return None
    shape = found[1].shape
    if padding is not None and KH % 2 == 1 and padding != KH // 2 and case._replace(padding=KH // 2).out_shape == shape:
        return "border", (f"your output has the size padding = KH // 2 = {KH // 2} gives (a 'same' convolution), "
                          f"where this layer's padding is {padding}: pad by self.padding, and the output is "
                          "(H + 2 * padding - KH) // stride + 1 by (W + 2 * padding - KW) // stride + 1")
    if len(shape) == 4 and len(case.out_shape) == 4 and shape[2:] == (case.KH, case.KW) != case.out_shape[2:] and (
            _window_positions_reduced(impl, case)):
        return "axis", ("your output has the shape of one window, (N, C, KH, KW): the maximum (or mean) was taken over "
                        "the window positions' axes (2, 3) of a window view (N, C, H_out, W_out, KH, KW); take it over "
                        "the window's own axes, (4, 5) (axis=(-2, -1))")
    return _size_mixup(impl, case, shape) or _blocks_shape(impl, case, shape)


# One side's size taken from the other side's number: (the case's fields to replace, the slip in words).
SIDE_MIXUPS = [
    (lambda c: dict(KW=c.KH), "W_out is computed with KH where KW belongs (the window's width)"),
    (lambda c: dict(KH=c.KW), "H_out is computed with KW where KH belongs (the window's height)"),
    (lambda c: dict(W=c.H), "W_out is computed from H, the image's height, where W belongs"),
    (lambda c: dict(H=c.W), "H_out is computed from W, the image's width, where H belongs"),
]


def _size_mixup(impl: Implementation, case: LayerCase, shape: tuple[int, ...]) -> tuple[str, str] | None:
    """(hint id, text) when your output has the size one side's number used for the other side gives, on the case
    and on a larger one, grown by 2 rows and 3 columns, its window's sides swapped or not (where a coincidence of
    the small case breaks; a slip may raise on one of them, but the other must answer with the reading's shape)."""
    if getattr(case, "KW", None) is None or not hasattr(case, "W"):
        return None
    grown = case._replace(H=case.H + 2, W=case.W + 3)
    larger = [grown, grown._replace(KH=case.KW, KW=case.KH)] if case.KH != case.KW else [grown]
    for fields, slip in SIDE_MIXUPS:
        try:
            if case._replace(**fields(case)).out_shape != shape:
                continue
            readings = [(c._replace(**fields(c)).out_shape, c) for c in larger]
        except Exception:  # noqa: BLE001 - a case the mix-up makes invalid: no reading
            continue
        answers = [(_forward_shape(impl, c), want) for want, c in readings if want != c.out_shape]
        if any(got == want for got, want in answers) and all(got in (None, want) for got, want in answers):
            return "square", (f"your output has the size it would have if {slip}: somewhere one side's number stands "
                              f"for the other's (a copy-pasted line); a window is KH rows by KW columns of an H x W image")
    return None


def _blocks_shape(impl: Implementation, case: LayerCase, shape: tuple[int, ...]) -> tuple[str, str] | None:
    """(hint id, text) when your output is (N, C, H // KH, W // KW), on the case and on a grown one: the count of
    adjacent blocks (H // KH, or a reshape into blocks), the window pool's size only when the stride equals the
    window."""
    if getattr(case, "padding", None) is not None or not hasattr(case, "stride") or len(shape) != 4:
        return None

    def blocks(c: LayerCase) -> tuple[int, ...]:
        return c.out_shape[:2] + (c.H // c.KH, c.W // c.KW)

    grown = case._replace(H=case.H + 2 * case.KH + 1, W=case.W + 2 * case.KW + 1)
    if blocks(case) != shape or blocks(grown) == grown.out_shape or _forward_shape(impl, grown) != blocks(grown):
        return None
    return "stride", (f"your output is (N, C, H // KH, W // KW), as many rows and columns as the image holds "
                      f"adjacent {case.KH}x{case.KW} blocks (a size written H // KH, or a reshape into blocks): that is "
                      f"the pool's size only when the stride equals the window; with stride {case.stride} window (i, j) "
                      f"starts at (i*stride, j*stride), so H_out = (H - KH) // stride + 1 (windows may overlap or leave "
                      f"gaps)")


def _window_positions_reduced(impl: Implementation, case: LayerCase) -> bool:
    """Whether your output, on the case grown by one window position down and across (one position alone is its
    own window, whatever is reduced), is (N, C, KH, KW): the maximum or the mean of x's windows over the positions."""
    stride = getattr(case, "stride", 1)
    grown = case._replace(H=case.H + stride, W=case.W + stride)
    found = _forward_output(impl, grown)
    if found is None or found[1].shape != grown.out_shape[:2] + (case.KH, case.KW):
        return False
    x, out = found
    view = np.lib.stride_tricks.sliding_window_view(x, (case.KH, case.KW), axis=(2, 3))[:, :, ::stride, ::stride]
    return any(np.allclose(out, reduce(view, axis=(2, 3)), rtol=1e-9, atol=1e-12) for reduce in (np.max, np.mean))


def _sides_swapped(impl: Implementation, case: LayerCase) -> bool:
    """Whether your forward's output has the shape the case gives with KH and KW swapped (and not the right one)."""
    KH, KW = getattr(case, "KH", None), getattr(case, "KW", None)
    if KH is None or KH == KW:
        return False
    try:
        swapped = case._replace(KH=KW, KW=KH).out_shape
    except Exception:  # noqa: BLE001 - a case the swap makes invalid: no reading
        return False
    return _forward_shape(impl, case) == swapped != case.out_shape


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
            f"{row_major[index]:+.6g} ({int(wrong.sum())} of {wrong.size} entries differ)\n  hint: your forward reads "
            f"memory through strides that do not fit the array it views: take them from that very array (x.strides "
            f"for x; a padded copy, np.pad's result, has its own: x_pad.strides), or call np.ascontiguousarray first; "
            f"never work them out from the shape and itemsize",
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
