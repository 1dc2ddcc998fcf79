"""The finite-difference gradient check: one random direction per tensor, float64, central difference.

For a tensor p (x, W or b) with analytic gradient g, draw a Gaussian unit direction u and compare
<g, u> with (L(p + h u) - L(p - h u)) / 2h, where L = <v, forward(...)> for a Gaussian upstream
gradient v (never all ones: a ones-dout hides a quarter of kernel-flip bugs). The tolerance is
1e-6 of the gradient's norm plus a round-off floor; measured noise on correct code is below 1e-9,
real bugs above 5e-6 (see the research note on gradient checking).

A kink guard compares the one-sided slopes at -h and +h; if they disagree the step crossed a
kink or a tie, and the example is discarded (never failed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import reject

from checker import inputs
from checker.cases import EXERCISE_OF_CASE, SoftmaxCase
from checker.contract import checked_forward
from checker.guard import construct
from checker.impl import Implementation
from checker.names import EXERCISES
from checker.results import CheckFailure
from checker.setups import LayerCase, evaluate
from checker.softmax import checked_dscores, checked_loss, make_scores
from checker.diagnose import diagnose_layer, diagnose_softmax

H = 1e-5
RTOL = 1e-6
EPS = float(np.finfo(np.float64).eps)


@dataclasses.dataclass(frozen=True)
class Directional:
    """The outcome of one directional-derivative comparison."""

    analytic: float  # <g, u>
    numerical: float  # central difference along u
    tolerance: float
    kink: bool  # the step crossed a kink: the comparison means nothing

    @property
    def error(self) -> float:
        return abs(self.analytic - self.numerical)

    @property
    def passed(self) -> bool:
        return self.error <= self.tolerance


def directional_check(
    loss_at: Callable[[float], float], grad: np.ndarray, u: np.ndarray, *, h: float = H, kink_guard: bool = True
) -> Directional:
    """Compare <grad, u> with the central difference of `loss_at` (a function of the step t) at t = 0."""
    plus, zero, minus = loss_at(h), loss_at(0.0), loss_at(-h)
    numerical = (plus - minus) / (2 * h)
    analytic = float(np.sum(grad * u))
    g_norm = float(np.linalg.norm(grad))
    floor = 100 * EPS * (abs(plus) + abs(zero) + abs(minus)) / h
    tolerance = RTOL * max(g_norm, abs(numerical)) + floor
    slope_plus, slope_minus = (plus - zero) / h, (zero - minus) / h
    kink = kink_guard and abs(slope_plus - slope_minus) > min(
        1e-3 * (abs(slope_plus) + abs(slope_minus)), RTOL * g_norm
    ) + floor
    return Directional(analytic, numerical, tolerance, kink)


def perturbed_loss(setup_layer: Any, x: np.ndarray, v: np.ndarray, tensor: str, u: np.ndarray,
                   out_shape: tuple[int, ...], formula: str) -> Callable[[float], float]:
    """L(t) = <v, forward(...)> with `tensor` ("x" or a params key) moved by t * u."""

    def loss_at(t: float) -> float:
        if tensor == "x":
            return float(np.sum(v * checked_forward(setup_layer, x + t * u, out_shape, formula)))
        param = setup_layer.params[tensor]
        original = param.copy()
        param += t * u
        try:
            return float(np.sum(v * checked_forward(setup_layer, x, out_shape, formula)))
        finally:
            param[...] = original

    return loss_at


def gradient_failure(label: str, tensor_name: str, case: object, result: Directional) -> CheckFailure:
    wrt = "x" if tensor_name == "dx" else tensor_name[1:]
    failure = CheckFailure(
        f"{label}: the gradient with respect to {wrt} ({tensor_name}) is wrong\n"
        f"  smallest failing case: {case}\n"
        f"  along a random direction u: your <{tensor_name}, u> = {result.analytic:+.6g}, "
        f"numerical = {result.numerical:+.6g} (error {result.error:.1e}, tolerance {result.tolerance:.1e})",
        tensor=tensor_name,
        details={"analytic": result.analytic, "numerical": result.numerical},
    )
    failure.case = case
    return failure


def layer_directional(impl: Implementation, case: LayerCase, tensor: str) -> Directional:
    """The directional check of d(loss)/d(tensor) for a layer, tensor "x" or a parameter ("W", "b")."""
    run = evaluate(impl, case)
    grad = run.dx if tensor == "x" else run.grads[tensor]
    u = inputs.unit_direction(run.rng, grad.shape)
    setup = run.setup
    return directional_check(perturbed_loss(setup.layer, setup.x, run.v, tensor, u, setup.out_shape, setup.formula),
                             grad, u)


def check_layer_gradient(impl: Implementation, case: LayerCase, tensor: str) -> None:
    """Check d(loss)/d(tensor) of a layer's backward, where tensor is "x" or a parameter ("W", "b")."""
    result = layer_directional(impl, case, tensor)
    if result.kink:
        reject()  # the step crossed a kink or a tie: this example proves nothing either way
    if not result.passed:
        failure = gradient_failure(f"{EXERCISES[EXERCISE_OF_CASE[type(case)]].cls}.backward", f"d{tensor}", case, result)
        failure.diagnose = lambda verbose: diagnose_layer(impl, case, tensor, verbose)
        raise failure


def check_softmax_gradient(impl: Implementation, case: SoftmaxCase) -> None:
    """Check dscores = d(mean loss)/d(scores) from SoftmaxCrossEntropy.backward."""
    rng = np.random.default_rng(case.seed)
    scores, y = make_scores(case, rng)
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    checked_loss(loss_fn, scores, y)
    dscores = checked_dscores(loss_fn, scores)
    u = inputs.unit_direction(rng, scores.shape)
    result = directional_check(lambda t: checked_loss(loss_fn, scores + t * u, y), dscores, u, kink_guard=False)
    if not result.passed:
        failure = gradient_failure("SoftmaxCrossEntropy.backward", "dscores", case, result)
        failure.diagnose = lambda verbose: diagnose_softmax(impl, case, verbose)
        raise failure


