"""Contract checks of a layer for one case, as the graded tests call them.

float32 input must give float32 output (training runs in float32), float64 input float64.
"""

from __future__ import annotations

import numpy as np

from gradkit.checker import contract, inputs
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CannotLoad, CheckFailure, NotImplementedYet
from gradkit.checker.setups import LayerCase, build
from gradkit.checker.specs import spec_of


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
    extra = getattr(spec_of(case), "check_forward_extra", None)  # what a spec adds to the generic contract
    if extra is not None:
        extra(impl)


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
