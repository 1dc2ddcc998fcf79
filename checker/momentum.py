"""Checks of SGDMomentum: an optimizer involves no gradient to check, so these compare trajectories.

The contract's update is  v = momentum * v - lr * (g + weight_decay * w);  w += v  (v starts at 0,
one v per parameter). For a constant gradient and no weight decay it has a closed form:
    w_k - w_0 = -lr * g * sum_{j=1..k} (1 - momentum**j) / (1 - momentum)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from checker import inputs
from checker.cases import SGDCase
from checker.guard import call, construct
from checker.impl import Implementation
from checker.results import CheckFailure


HINTS = {
    "momentum": "v = momentum * v - lr * g, then w += v; v starts at 0 and is kept between steps",
    "scale": "v = momentum * v - lr * g, then w += v: lr appears once, in the velocity",
    "momentum_sign": "a step goes against the gradient: v = momentum * v - lr * g, then w += v",
    "momentum_state": "each parameter (each layer and key) keeps its own velocity, from one step to the next; "
                      "key the velocities by layer and name, or keep them in a list parallel to the parameters",
    "weight_decay": "weight decay adds weight_decay * w to the gradient inside the update: "
                    "v = momentum * v - lr * (g + weight_decay * w)",
}


class ToyLayer:
    """A stand-in layer: just `params` and `grads`, as every layer has."""

    def __init__(self, params: dict[str, np.ndarray]):
        self.params = params
        self.grads = {k: np.zeros_like(v) for k, v in params.items()}

    def __repr__(self) -> str:
        return f"ToyLayer({sorted(self.params)})"


def make_layers(case: SGDCase, rng: np.random.Generator) -> list[ToyLayer]:
    """Two toy layers sharing the case's parameters, plus one with none (like ReLU).

    Both layers name their parameters "W", "b", ... as real layers do, so a velocity kept per
    name instead of per parameter shows.
    """
    half = (len(case.shapes) + 1) // 2
    names = ["W", "b", "c", "d"]

    def layer(shapes: tuple[tuple[int, ...], ...]) -> ToyLayer:
        return ToyLayer({n: inputs.gaussian(rng, s) for n, s in zip(names, shapes)})

    return [layer(case.shapes[:half]), ToyLayer({}), layer(case.shapes[half:])]


def _optimizer(impl: Implementation, layers: list[ToyLayer], case: SGDCase) -> Any:
    return construct(impl.SGDMomentum, layers, lr=case.lr, momentum=case.momentum, weight_decay=case.weight_decay)


def _step(optimizer: Any, layers: list[ToyLayer]) -> None:
    """One step, checked: params updated in place (same arrays), grads untouched."""
    arrays = [(layer, k, layer.params[k]) for layer in layers for k in layer.params]
    grads = [(layer, k, layer.grads[k].copy()) for layer in layers for k in layer.grads]
    call(optimizer, "step")
    for layer, k, array in arrays:
        if layer.params[k] is not array:
            raise CheckFailure(
                f"SGDMomentum.step replaced params[{k!r}] with a new array; update it in place (`w += v`), "
                "because the layer and the optimizer must share the same array", tensor="params (in place)",
            )
    for layer, k, grad in grads:
        if not np.array_equal(layer.grads[k], grad):
            raise CheckFailure(f"SGDMomentum.step modified grads[{k!r}]; read the gradients, never write them",
                               tensor="grads (mutated)", hint="mutation")


def _compare(layers: list[ToyLayer], expected: list[dict[str, np.ndarray]], start: list[dict[str, np.ndarray]],
             what: str, case: SGDCase, hint: str) -> None:
    for number, (layer, want, w0) in enumerate(zip(layers, expected, start)):
        for k in want:
            got = layer.params[k]
            if not np.allclose(got, want[k], rtol=1e-9, atol=1e-12):
                moved, should = got - w0[k], want[k] - w0[k]
                ratio = _ratio(moved, should)
                text = f"\n  your total update is {ratio:+.3g} times the expected one" if ratio is not None else ""
                if ratio is not None and ratio > 0:
                    hint = "scale"
                    text += " (a missing or extra factor: is lr applied twice, or the velocity scaled?)"
                if ratio is not None and ratio < 0:
                    hint, text = "momentum_sign", text + " (a sign error: v = momentum*v - lr*g, then w += v)"
                raise CheckFailure(
                    f"SGDMomentum.step: params[{k!r}] of layer {number} is wrong {what}\n"
                    f"  first entry: yours {got.flat[0]:+.6g}, expected {want[k].flat[0]:+.6g} "
                    f"(started at {w0[k].flat[0]:+.6g}){text}\n  hint: {HINTS[hint]}\n  case: {case}",
                    tensor=f"params[{k!r}]", hint=hint,
                )


def _ratio(moved: np.ndarray, should: np.ndarray) -> float | None:
    if not np.any(should):
        return None
    r = float(np.sum(moved * should) / np.sum(should * should))
    return r if np.allclose(moved, r * should, rtol=1e-6, atol=1e-12) else None


def check_constant_gradient(impl: Implementation, case: SGDCase) -> None:
    """k steps with a constant gradient and no weight decay land where the closed form says."""
    rng = np.random.default_rng(case.seed)
    layers = make_layers(case, rng)
    start = [{k: v.copy() for k, v in layer.params.items()} for layer in layers]
    for layer in layers:
        for k in layer.grads:
            layer.grads[k][...] = inputs.gaussian(rng, layer.grads[k].shape)
    optimizer = _optimizer(impl, layers, case)
    for _ in range(case.steps):
        _step(optimizer, layers)
    mu, k = case.momentum, case.steps
    factor = sum((1 - mu**j) / (1 - mu) for j in range(1, k + 1))
    expected = [{n: w0[n] - case.lr * factor * layer.grads[n] for n in w0} for layer, w0 in zip(layers, start)]
    _compare(layers, expected, start, f"after {k} steps with a constant gradient", case, "momentum")


def expected_trajectory(start: list[dict[str, np.ndarray]], grads: list[list[dict[str, np.ndarray]]],
                        case: SGDCase) -> list[dict[str, np.ndarray]]:
    """The contract's update, applied step by step to copies (the oracle for changing gradients)."""
    w = [{k: v.copy() for k, v in p.items()} for p in start]
    v = [{k: np.zeros_like(a) for k, a in p.items()} for p in start]
    for step_grads in grads:
        for wl, vl, gl in zip(w, v, step_grads):
            for k in wl:
                vl[k] = case.momentum * vl[k] - case.lr * (gl[k] + case.weight_decay * wl[k])
                wl[k] = wl[k] + vl[k]
    return w


def check_changing_gradients(impl: Implementation, case: SGDCase) -> None:
    """New gradients every step, one velocity per parameter (and weight decay when the case has it)."""
    rng = np.random.default_rng(case.seed)
    layers = make_layers(case, rng)
    start = [{k: v.copy() for k, v in layer.params.items()} for layer in layers]
    optimizer = _optimizer(impl, layers, case)
    history = []
    for _ in range(case.steps):
        step_grads = []
        for layer in layers:
            for k in layer.grads:
                layer.grads[k][...] = inputs.gaussian(rng, layer.grads[k].shape)
            step_grads.append({k: g.copy() for k, g in layer.grads.items()})
        history.append(step_grads)
        _step(optimizer, layers)
    expected = expected_trajectory(start, history, case)
    _compare(layers, expected, start, f"after {case.steps} steps with changing gradients", case,
             "weight_decay" if case.weight_decay else "momentum_state")


def check_descends_quadratic(impl: Implementation, case: SGDCase) -> None:
    """On L(w) = 0.5 * sum(a * (w - w*)**2), 200 steps at lr 0.05, momentum 0.9 bring w 100x closer to w*."""
    rng = np.random.default_rng(case.seed)
    layers = make_layers(case, rng)
    curvature = [{k: rng.uniform(0.5, 2.0, v.shape) for k, v in layer.params.items()} for layer in layers]
    target = [{k: inputs.gaussian(rng, v.shape) for k, v in layer.params.items()} for layer in layers]

    def distance() -> float:
        return float(np.sqrt(sum(np.sum((layer.params[k] - t[k]) ** 2) for layer, t in zip(layers, target) for k in t)))

    quadratic = case._replace(lr=0.05, momentum=0.9, weight_decay=0.0)
    optimizer = _optimizer(impl, layers, quadratic)
    before = distance()
    for _ in range(200):
        for layer, a, t in zip(layers, curvature, target):
            for k in layer.params:
                layer.grads[k][...] = a[k] * (layer.params[k] - t[k])
        _step(optimizer, layers)
    after = distance()
    if not after < before / 100:
        raise CheckFailure(
            f"SGDMomentum does not descend: on a simple quadratic bowl, 200 steps (lr 0.05, momentum 0.9) moved the "
            f"parameters from distance {before:.3g} to {after:.3g} of the minimum (expected below {before / 100:.3g})"
            "\n  hint: a step goes against the gradient: v = momentum*v - lr*g, then w += v",
            tensor="params", hint="momentum_sign",
        )
