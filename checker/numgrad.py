"""Finite differences: the directional check every gradient test runs, and full numerical gradients.

`directional_check` compares <g, u> with the central difference along one Gaussian unit direction u
(the tolerance and the kink guard are described in `checker.gradcheck`); `layer_directional` runs it
for one tensor of a layer on a case. The diagnosis re-runs it on simpler cases, so it lives here, below
both the gradient tests and the diagnosis, and neither imports the other.

`numerical_gradient` perturbs every entry of one tensor (2 forward passes each) and masks the
entries whose step crossed a kink. `probe` sends a gradient of 1 from a single output position,
through your backward and through finite differences, so the two windows can be compared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from gradkit.checker import inputs
from gradkit.checker.contract import checked_forward, params_replaced
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure
from gradkit.checker.setups import LayerCase, build_layer, evaluate
from gradkit.checker.specs import spec_of

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
            loss = float(np.sum(v * checked_forward(setup_layer, x, out_shape, formula, keep_input=False)))
        finally:
            param[...] = original
        if setup_layer.params.get(tensor) is not param:  # moving the array it no longer holds would prove nothing
            raise params_replaced(type(setup_layer).__name__, tensor, "is a new array after forward")
        return loss

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
    A layer whose spec says it is `SMOOTH` (no kinks or ties, but curvature, which the kink guard would take for
    one) keeps every example.
    """
    run = evaluate(impl, case, only=tensor, fill_params=fill_params)
    grad = run.dx if tensor == "x" else run.grads[tensor]
    u = inputs.unit_direction(run.rng, grad.shape)
    setup = run.setup
    layer = reference_twin(impl, case, setup.layer) or setup.layer
    result = directional_check(perturbed_loss(layer, setup.x, run.v, tensor, u, setup.out_shape, setup.formula),
                               grad, u, kink_guard=not getattr(spec_of(case), "SMOOTH", False))
    if not result.passed and layer is setup.layer:
        _require_fresh_forward(impl, case, setup, tensor, u)
    return result


def _require_fresh_forward(impl: Implementation, case: LayerCase, setup: Any, tensor: str, u: np.ndarray) -> None:
    """Finite differences call your forward again and again on one layer: they judge your backward only if each
    call answers for its own input. A layer that has already run, given x moved along u, must give what a fresh
    layer with the same parameters gives; else the forward is what is wrong (a result kept from an earlier call)."""
    moved = setup.x + H * u if tensor == "x" else setup.x
    fresh = build_layer(impl, case, np.random.default_rng(0), fill_params=False)
    for key, value in fresh.params.items():
        value[...] = setup.layer.params[key]
    if tensor != "x":
        fresh.params[tensor][...] += H * u
        setup.layer.params[tensor][...] += H * u
    try:
        again = checked_forward(setup.layer, moved, setup.out_shape, setup.formula, keep_input=False)
    finally:
        if tensor != "x":
            setup.layer.params[tensor][...] -= H * u
    want = checked_forward(fresh, moved, setup.out_shape, setup.formula, keep_input=False)
    if not np.allclose(again, want, rtol=1e-9, atol=1e-12):
        raise CheckFailure(
            f"{type(setup.layer).__name__}.forward, called again on a layer that has run before, returned another "
            f"output than a fresh layer with the same parameters gives for the same input: something computed for "
            f"an earlier input is reused (a cache keyed by the input's shape, say), so finite differences cannot judge "
            f"your backward\n  hint: forward must compute everything from the x (and parameters) of this call; "
            f"keep from earlier calls only what does not depend on them\n  case: {case}",
            tensor="out", hint="stale_cache")


def reference_twin(impl: Implementation, case: LayerCase, layer: Any) -> Any | None:
    """The reference's layer for `case` holding the same parameter values as `layer`, if a reference is set."""
    reference = getattr(impl, "reference", None)
    if reference is None:
        return None
    twin = build_layer(reference, case, np.random.default_rng(0), fill_params=False)
    for key, value in twin.params.items():
        value[...] = layer.params[key]
    return twin


def numerical_gradient(loss_at: Callable[[np.ndarray], float], shape: tuple[int, ...], h: float = H) -> np.ndarray:
    """d loss / d p for every entry of a tensor of `shape`; `loss_at(delta)` evaluates the loss at p + delta."""
    grad = np.zeros(shape)
    delta = np.zeros(shape)
    for index in np.ndindex(*shape):
        delta[index] = h
        plus = loss_at(delta)
        delta[index] = -h
        minus = loss_at(delta)
        delta[index] = 0.0
        grad[index] = (plus - minus) / (2 * h)
    return grad


def layer_loss(forward: Callable[[np.ndarray, dict[str, np.ndarray]], np.ndarray], x: np.ndarray,
               params: dict[str, np.ndarray], dout: np.ndarray, tensor: str) -> Callable[[np.ndarray], float]:
    """loss(delta) = <dout, forward(x, params)> with `tensor` ("x" or a params key) moved by delta."""

    def loss_at(delta: np.ndarray) -> float:
        if tensor == "x":
            return float(np.sum(dout * forward(x + delta, params)))
        moved = dict(params)
        moved[tensor] = params[tensor] + delta
        return float(np.sum(dout * forward(x, moved)))

    return loss_at


def probe_position(out_shape: tuple[int, ...]) -> tuple[int, ...]:
    """The output position a probe sends its gradient from: the last image and filter, a central pixel."""
    return tuple(s - 1 if axis < 2 else s // 2 for axis, s in enumerate(out_shape))
