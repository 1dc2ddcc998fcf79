"""Max-pooling at ties, where finite differences mean nothing.

With integer inputs most windows hold several equal maxima. The gradient of one output must
enter its own window once: all of it on a maximum (one tied maximum, or split among them), none
on other cells. Both "first maximum" and "split evenly" pass; "every tied maximum gets it all"
and "the whole window gets it" do not.
"""

from __future__ import annotations

import numpy as np

from gradkit.checker import inputs
from gradkit.checker.cases import PoolCase
from gradkit.checker.contract import checked_backward, checked_forward
from gradkit.checker.guard import construct
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure, remembers_case

MAX_PROBES = 8


def _window(case: PoolCase, i: int, j: int) -> tuple[slice, slice]:
    s = case.stride
    return slice(i * s, i * s + case.KH), slice(j * s, j * s + case.KW)


NEAR_TIE = 1e-9


@remembers_case
def check_ties(impl: Implementation, case: PoolCase) -> None:
    """Send a gradient from single outputs and check where it lands, on inputs full of ties."""
    rng = np.random.default_rng(case.seed)
    layer = construct(impl.MaxPool2D, (case.KH, case.KW), case.stride)
    x = inputs.with_ties(rng, case.x_shape)
    # Some cells a hair above their level: near-ties, which are not ties (the strict maximum takes it all).
    x += NEAR_TIE * (rng.random(case.x_shape) < 0.25)
    out = checked_forward(layer, x, case.out_shape, case.out_formula)
    positions = np.argwhere(np.ones(out.shape, dtype=bool))
    for n, c, i, j in positions[rng.permutation(len(positions))[:MAX_PROBES]]:
        dout = np.zeros(out.shape)
        g = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 2.0))
        dout[n, c, i, j] = g
        dx, _ = checked_backward(layer, dout, x)
        rows, cols = _window(case, i, j)
        window_x, window_dx = x[n, c, rows, cols], dx[n, c, rows, cols]
        where = f"out[{n},{c},{i},{j}]"
        outside = dx.copy()
        outside[n, c, rows, cols] = 0
        if np.any(outside != 0):
            k = tuple(int(t) for t in np.argwhere(outside != 0)[0])
            raise CheckFailure(
                f"MaxPool2D.backward sent the gradient of {where} to x[{','.join(map(str, k))}], outside its window "
                f"x[{n},{c},{rows.start}:{rows.stop},{cols.start}:{cols.stop}]; window (i, j) starts at "
                f"(i*stride, j*stride)\n  case: {case}", tensor="dx", hint="stride",
            )
        off_max = (window_dx != 0) & (window_x != window_x.max())
        on_max = (window_dx != 0) & (window_x == window_x.max())
        if off_max.any() and on_max.any() and np.all(window_x.max() - window_x[off_max] <= 2 * NEAR_TIE):
            raise CheckFailure(
                f"MaxPool2D.backward split the gradient of {where} between its maximum and a cell {NEAR_TIE:g} below it "
                f"(a near-tie, not a tie)\n  window x - max: {_fmt(window_x - window_x.max())}\n"
                f"  your dx:  {_fmt(window_dx)}   (dout = {g:+.3g})\n"
                "  hint: compare exactly (x == max, or argmax), never with np.isclose or a tolerance: only cells equal "
                f"to the maximum may share its gradient\n  case: {case}", tensor="dx", hint="pool_non_max")
        if off_max.any():
            raise CheckFailure(
                f"MaxPool2D.backward sent the gradient of {where} to a cell that is not a maximum of its window\n"
                f"  window x: {_fmt(window_x)}\n  your dx:  {_fmt(window_dx)}   (dout = {g:+.3g})\n"
                "  hint: only the maximum passes the gradient back; the other cells get 0\n"
                f"  case: {case}", tensor="dx", hint="pool_non_max",
            )
        if abs(window_dx.sum() - g) > 1e-9 * abs(g):
            ties = int(np.sum(window_x == window_x.max()))
            times = window_dx.sum() / g
            if times > 1 and ties > 1:
                hint, why = "pool_all_ties", ("when several cells tie for the maximum, send the gradient to one of them "
                                              "(or split it evenly), not a full copy to each")
            else:
                hint, why = None, "the gradient of each output must arrive in its window exactly once, at a maximum"
            raise CheckFailure(
                f"MaxPool2D.backward: the gradient of {where} (dout = {g:+.3g}) arrived {times + 0.0:.3g} "
                f"times in its window\n  window x: {_fmt(window_x)} ({ties} tied maxima)\n  your dx:  {_fmt(window_dx)}\n"
                f"  hint: {why}\n  case: {case}", tensor="dx", hint=hint,
            )


def _fmt(a: np.ndarray) -> str:
    return np.array2string(a, precision=3, separator=", ", suppress_small=True).replace("\n", "")
