"""Contract checks of a layer for one case, as the graded tests call them.

float32 input must give float32 output (training runs in float32), float64 input float64.
"""

from __future__ import annotations

import numpy as np

from gradkit.checker import contract, inputs
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CannotLoad, CheckFailure, NotImplementedYet
from gradkit.checker.cases import ReluCase
from gradkit.checker.guard import call, construct
from gradkit.checker.setups import LayerCase, build


def _with_case(failure: CheckFailure, case: LayerCase) -> CheckFailure:
    if "\n  case:" not in failure.message and not isinstance(failure, (NotImplementedYet, CannotLoad)):
        failure.message += f"\n  case: {case}"
    failure.case = case
    return failure


def check_forward_contract(impl: Implementation, case: LayerCase) -> None:
    """forward returns an array of the expected shape, in the input's dtype (float64 and float32), finite, x unchanged."""
    try:
        for dtype in (np.float64, np.float32):
            setup = build(impl, case, np.random.default_rng(case.seed))
            contract.checked_forward(setup.layer, setup.x.astype(dtype), setup.out_shape, setup.formula)
    except CheckFailure as failure:
        raise _with_case(failure, case) from None
    if isinstance(case, ReluCase):
        check_relu_huge_inputs(impl)


def check_relu_huge_inputs(impl: Implementation) -> None:
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
