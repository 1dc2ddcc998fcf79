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

from gradkit.checker import inputs
from gradkit.checker.cases import EXERCISE_OF_CASE, SoftmaxCase
from gradkit.checker.contract import checked_forward
from gradkit.checker.fixtures import forward_is_right, stored_gradient_failure
from gradkit.checker.guard import call, construct
from gradkit.checker.impl import Implementation
from gradkit.checker.names import EXERCISES
from gradkit.checker.results import CheckFailure, NotImplementedYet, StudentCodeError, StudentTimeout, remembers_case
from gradkit.checker.setups import LayerCase, build_layer, evaluate
from gradkit.checker.softmax import checked_dscores, make_scores, true_loss
from gradkit.checker.diagnose import diagnose_layer, diagnose_softmax

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
            return float(np.sum(v * checked_forward(setup_layer, x + t * u, out_shape, formula, keep_input=False)))
        param = setup_layer.params[tensor]
        original = param.copy()
        param += t * u
        try:
            return float(np.sum(v * checked_forward(setup_layer, x, out_shape, formula, keep_input=False)))
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


def layer_directional(impl: Implementation, case: LayerCase, tensor: str, fill_params: bool = True) -> Directional:
    """The directional check of d(loss)/d(tensor) for a layer, tensor "x" or a parameter ("W", "b").

    The loss is differentiated through the trusted reference when `impl.reference` is set (the grade of
    record: your forward is then called once per case and never at a probe point), else through your forward.
    """
    run = evaluate(impl, case, only=tensor, fill_params=fill_params)
    grad = run.dx if tensor == "x" else run.grads[tensor]
    u = inputs.unit_direction(run.rng, grad.shape)
    setup = run.setup
    layer = reference_twin(impl, case, setup.layer) or setup.layer
    return directional_check(perturbed_loss(layer, setup.x, run.v, tensor, u, setup.out_shape, setup.formula),
                             grad, u)


def reference_twin(impl: Implementation, case: LayerCase, layer: Any) -> Any | None:
    """The reference's layer for `case` holding the same parameter values as `layer`, if a reference is set."""
    reference = getattr(impl, "reference", None)
    if reference is None:
        return None
    twin = build_layer(reference, case, np.random.default_rng(0), fill_params=False)
    for key, value in twin.params.items():
        value[...] = layer.params[key]
    return twin


@remembers_case
def check_layer_gradient(impl: Implementation, case: LayerCase, tensor: str) -> None:
    """Check d(loss)/d(tensor) of a layer's backward, where tensor is "x" or a parameter ("W", "b").

    The finite differences differentiate your forward. When they disagree with your backward (or your forward
    cannot run on the case) and your forward is wrong on the stored examples, the stored gradients decide:
    a correct backward behind a wrong forward passes here, and only the forward test charges the mistake.
    """
    exercise = EXERCISE_OF_CASE[type(case)]
    label, name = f"{EXERCISES[exercise].cls}.backward", f"d{tensor}"
    try:
        result = layer_directional(impl, case, tensor)
    except (NotImplementedYet, StudentTimeout):
        raise
    except CheckFailure as failure:
        if failure.tensor == name:
            raise  # the tensor under test itself is malformed
        if isinstance(failure, StudentCodeError) and failure.tensor is None and ".backward raised" in failure.message:
            failure.tensor = name  # backward raised: the tensor under test could not be computed
        _judge_on_stored_examples(impl, exercise, label, name, failure)
        return
    if result.kink:
        reject()  # the step crossed a kink or a tie: this example proves nothing either way
    if result.passed:
        return
    failure = gradient_failure(label, name, case, result)
    if tensor != "x" and result.numerical == 0.0 and result.analytic != 0.0 and getattr(impl, "reference", None) is None:
        # Moving params[tensor] did not move your output at all: your forward reads a copy of it made earlier, so
        # finite differences of your forward say nothing about your backward. The stored gradients judge it.
        failure.message += (f"\n  changing params[{tensor!r}] does not change your forward's output (numerical "
                             f"{name} = 0): forward uses a copy of {tensor} made earlier; read self.params[{tensor!r}] "
                             f"in every forward")
        _judge_on_stored_examples(impl, exercise, label, name, failure, stale=tensor)
        return
    if getattr(impl, "reference", None) is None and not forward_is_right(impl, exercise):
        _judge_on_stored_examples(impl, exercise, label, name, failure)
        return
    failure.diagnose = lambda verbose: diagnose_layer(impl, case, tensor, verbose)
    raise failure


def _judge_on_stored_examples(impl: Implementation, exercise: str, label: str, name: str,
                              failure: CheckFailure, stale: str | None = None) -> None:
    """Your forward is wrong (or could not run): pass if `name` equals the stored correct gradients, else fail."""
    try:
        why = stored_gradient_failure(impl, exercise, name)
    except CheckFailure:
        raise failure from None  # your layer cannot even run the stored examples: report the original problem
    if why is None:
        return
    if stale is not None:
        raise CheckFailure(
            f"{label}: the gradient {name} is wrong\n  {why}\n  (your forward also ignores changes to "
            f"params[{stale!r}]: it uses a copy made earlier; read self.params[{stale!r}] in every forward)",
            tensor=name, hint="stale_params")
    raise CheckFailure(
        f"{label}: the gradient {name} is wrong\n  {why}\n"
        f"  (your forward is wrong too, see the forward tests; this check compared your backward with the stored "
        f"gradients of the correct forward)", tensor=name)


@remembers_case
def check_softmax_gradient(impl: Implementation, case: SoftmaxCase) -> None:
    """Check dscores against finite differences of the true loss (`softmax.true_loss`), not of your forward."""
    rng = np.random.default_rng(case.seed)
    scores, y = make_scores(case, rng)
    loss_fn = construct(impl.SoftmaxCrossEntropy)
    call(loss_fn, "forward", scores.copy(), y.copy())  # fills your cache; the loss is the forward tests' business
    dscores = checked_dscores(loss_fn, scores)
    u = inputs.unit_direction(rng, scores.shape)
    result = directional_check(lambda t: true_loss(scores + t * u, y), dscores, u, kink_guard=False)
    if not result.passed:
        failure = gradient_failure("SoftmaxCrossEntropy.backward", "dscores", case, result)
        failure.diagnose = lambda verbose: diagnose_softmax(impl, case, verbose)
        raise failure
