"""Exercise sgd_momentum: SGDMomentum, an optimizer, so no gradient to check: these compare trajectories.

The contract's update is  v = momentum * v - lr * (g + weight_decay * w);  w += v  (v starts at 0,
one v per parameter). For a constant gradient and no weight decay it has a closed form:
    w_k - w_0 = -lr * g * sum_{j=1..k} (1 - momentum**j) / (1 - momentum)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from hypothesis import strategies as st

from gradkit.checker import averages, inputs
from gradkit.checker.guard import call, construct
from gradkit.checker.impl import Implementation
from gradkit.checker.refit import refitted
from gradkit.checker.results import CheckFailure, StudentCodeError
from gradkit.checker.specs import plural
from gradkit.checker.strategies import seeds
from gradkit.checker.textmaps import yours_and
from gradkit.checker.toy_layers import (GRADS_WRITTEN, Bare, ToyLayer, move_alike, settings_changed, check_any_memory_order,
                                        check_any_parameter_names, check_grads_left_alone, check_grads_read_by_key,
                                        check_layers_without_params_skipped, check_optimizers_independent,
                                        grads_of as _grads, make_layers, params_of as _params, replayed,
                                        stalled_layer)


DEFAULTS = dict(lr=0.01, momentum=0.9, weight_decay=0.0)  # the contract's constructor defaults


class SGDCase(NamedTuple):
    shapes: tuple[tuple[int, ...], ...]  # one parameter per shape, spread over two layers
    lr: float
    momentum: float
    weight_decay: float
    steps: int
    seed: int

    exercise = "sgd_momentum"

    def __str__(self) -> str:
        return (
            f"{plural(len(self.shapes), 'parameter')} of shapes {list(self.shapes)}, lr={self.lr}, "
            f"momentum={self.momentum}, weight_decay={self.weight_decay}, {plural(self.steps, 'step')}"
        )


Case = SGDCase


def cases(weight_decay: bool = False) -> st.SearchStrategy[Case]:
    """Two to four parameters of fixed small shapes; lr, momentum (and weight decay) from short lists."""
    # Both toy layers get the same names and shapes ("W", then "b"), as two real layers can: a velocity shared
    # between parameters, or kept per name only, then gives wrong values rather than a crash.
    shapes = [((2,), (2,)), ((2, 3), (3,), (2, 3), (3,)), ((1,), (1,)), ((4, 1), (1,), (4, 1), (1,))]
    if weight_decay:  # the smallest failing case then has a weight matrix and a bias, as a network does
        shapes = shapes[1:2] + shapes[:1] + shapes[2:]
    shapes = st.sampled_from(shapes)
    return st.builds(
        Case,
        shapes=shapes,
        lr=st.sampled_from([0.1, 0.01, 0.5]),
        momentum=st.sampled_from([0.9, 0.5, 0.0, 0.99]),
        weight_decay=st.sampled_from([1e-2, 0.1, 5e-4]) if weight_decay else st.just(0.0),
        steps=st.integers(1, 6),
        seed=seeds,
    )


sgd_cases = cases


def _optimizer(impl: Implementation, layers: list[ToyLayer], case: SGDCase) -> Any:
    return construct(impl.SGDMomentum, layers, lr=case.lr, momentum=case.momentum, weight_decay=case.weight_decay)


def _step(optimizer: Any, layers: list[ToyLayer], in_place: bool = False) -> None:
    """One step, checked with `in_place` (only the trainer-use test, so each mistake costs one test): grads left
    untouched, params updated in place (the same arrays). The other tests judge the values in the dicts: grads a step
    wrote into are put back as they were, so that the next step sees the gradient the test meant."""
    arrays = [(layer, k, _params(layer)[k]) for layer in layers for k in _params(layer)]
    grads = [(layer, k, _grads(layer)[k].copy()) for layer in layers for k in _grads(layer)]
    try:
        call(optimizer, "step")
    except StudentCodeError as error:
        if f"'{Bare.__name__}' object has no attribute" not in error.message:
            raise
        raise CheckFailure(
            f"{error.message}\n  hint: a layer without parameters may have no params or grads attribute at all (a "
            "Flatten layer, say): skip it, e.g. with getattr(layer, 'params', {})", tensor="params",
            hint="skip_layers") from None
    for layer, k, array in arrays if in_place else []:
        if _params(layer)[k] is not array:
            raise CheckFailure(
                f"SGDMomentum.step replaced params[{k!r}] with a new array; update it in place (`w += v`), "
                "because the layer and the optimizer must share the same array", tensor="params (in place)",
                hint="not_in_place",
            )
    changed = sorted({k for layer, k, grad in grads if not np.array_equal(_grads(layer)[k], grad)})
    if changed and not in_place:
        _restore(layers, grads)  # the values are judged here; the trainer-use test charges the writing, once
    elif changed:
        raise CheckFailure(f"SGDMomentum.step modified {' and '.join(f'grads[{k!r}]' for k in changed)}; "
                           f"{GRADS_WRITTEN}", tensor="grads (mutated)", hint="mutation")


def _restore(layers: list[Any], grads: list[tuple[Any, str, np.ndarray]]) -> None:
    """Put each gradient (layer, key, the values before the step) back into the layer's grads dict."""
    for layer, k, grad in grads:
        _grads(layer)[k] = grad.copy()


def _matches(layers: list[ToyLayer], expected: list[dict[str, np.ndarray]]) -> bool:
    return _same_weights(expected, [_params(layer) for layer in layers])


def _same_weights(expected: list[dict[str, np.ndarray]], observed: list[dict[str, np.ndarray]]) -> bool:
    return all(k in mine and np.shape(mine[k]) == want[k].shape and np.allclose(mine[k], want[k], rtol=1e-9, atol=1e-12)
               for mine, want in zip(observed, expected) for k in want)


# Known ways to get the update wrong: (hint, what it means, the case to simulate, options of
# `expected_trajectory`). The first one that reproduces your parameters names the mistake.
def _alternatives(case: SGDCase) -> list[tuple[str, str, SGDCase, dict[str, object]]]:
    found: list[tuple[str, str, SGDCase, dict[str, object]]] = [
        ("momentum_sign", "your parameters moved exactly as with the opposite sign of the step",
         case._replace(lr=-case.lr), {}),
        ("scale", "your parameters moved exactly as with a dampened velocity, v = momentum * v - (1 - momentum) * lr "
                  "* g (an exponential average): the contract's velocity adds the whole step, v = momentum * v - lr "
                  "* g", case, {"dampening": True}),
        ("scale", "your parameters moved exactly as with twice the learning rate (lr applied twice?)",
         case._replace(lr=2 * case.lr), {}),
        ("scale", "your parameters moved exactly as with w += lr * v: lr is applied twice (it is already in v)",
         case, {"step_scale": case.lr}),
        ("order", "your parameters moved exactly as if w += v came before the velocity update: update v first, "
                  "then move w by the new v", case, {"order": "parameter first"}),
        ("scale", "your parameters moved exactly as with the momentum applied after the fresh step, v = momentum * "
                  "(v - lr * g): the fresh step is not damped, v = momentum * v - lr * g", case,
         {"momentum_last": True}),
        ("nesterov", "your parameters moved exactly as with Nesterov momentum (w += momentum * v - lr * g): the "
                     "contract asks for plain (heavy-ball) momentum, w += v", case, {"nesterov": True}),
        ("momentum_state", "your parameters moved exactly as if parameters with the same name in different layers "
                           "(two 'W's) shared one velocity: keep one velocity per layer and key",
         case, {"shared": "name"}),
        ("momentum_state", "your parameters moved exactly as with one velocity shared by every parameter: keep one "
                           "velocity per parameter (per layer and key)", case, {"shared": "all"}),
    ]
    if case.momentum:
        found.append(("zero_grad", "your parameters moved exactly as if a parameter whose gradient is all zero were "
                                   "skipped: momentum still moves it (v = momentum * v, then w += v); do not skip "
                                   "zero gradients", case, {"skip_zero": True}))
        found.append(("momentum_state", "your parameters moved exactly as plain SGD without momentum would: "
                                        "the velocity is not kept from one step to the next",
                      case._replace(momentum=0.0), {}))
    if case.weight_decay:
        if any(len(shape) == 1 for shape in case.shapes) and any(len(shape) > 1 for shape in case.shapes):
            found.append(("weight_decay", "your parameters moved exactly as with weight decay on the weight "
                                          "matrices but not on the 1-D parameters (biases): the contract decays "
                                          "every parameter", case, {"decay_min_ndim": 2}))
        found += [("weight_decay", "your parameters moved exactly as without weight decay",
                   case._replace(weight_decay=0.0), {}),
                  ("weight_decay", "your parameters moved exactly as with weight decay of the opposite sign",
                   case._replace(weight_decay=-case.weight_decay), {}),
                  ("weight_decay", "your parameters moved exactly as with weight_decay * w outside the lr factor",
                   case, {"decay_lr": 1.0}),
                  ("weight_decay", "your parameters moved exactly as with the decay applied to w after the move "
                                   "(w -= lr * weight_decay * w) instead of inside the velocity: the contract's is "
                                   "v = momentum * v - lr * (g + weight_decay * w)", case, {"decay_after": True}),
                  ("weight_decay", "your parameters moved exactly as with the decay applied to w directly before the "
                                   "move (w -= lr * weight_decay * w, then w += v) instead of inside the velocity: the "
                                   "contract's is v = momentum * v - lr * (g + weight_decay * w), so the decay gets "
                                   "momentum too", case, {"decay_before": True}),
                  ("weight_decay", "your parameters moved exactly as with the decay term multiplying the gradient "
                                   "(g + weight_decay * g): weight decay is weight_decay * w, the gradient of the L2 "
                                   "penalty on the weights", case, {"decay_of_grad": True})]
    return found


def _simulated(start: list[dict[str, np.ndarray]], history: list, case: SGDCase,
               options: dict[str, object]) -> list[dict[str, np.ndarray]] | None:
    try:
        return expected_trajectory(start, history, case, **options)
    except ValueError:  # shapes that cannot share one velocity
        return None


# What a decay term D(w) in v = momentum * v - lr * (g + weight_decay * D(w)) may be instead of w: (D, what it is).
DECAY_READINGS = [
    (np.sign, "sign(w), the gradient of an L1 penalty (weight_decay * |w|): L2 decay's gradient is weight_decay * w"),
    (lambda w: 0.5 * w * w, "w**2 / 2, the penalty itself: add its gradient, weight_decay * w"),
    (lambda w: w * w, "w**2: add the penalty's gradient, weight_decay * w"),
    (lambda w: 2 * w, "2 * w, the gradient of weight_decay * w**2: the contract's penalty is weight_decay / 2 * "
                      "w**2, whose gradient is weight_decay * w"),
    (lambda w: np.full_like(w, np.linalg.norm(w)), "||w||, the norm of the whole array (one number for every entry): "
                                                   "the decay is entry by entry, weight_decay * w"),
    (lambda w: np.full_like(w, np.sum(w * w)), "||w||**2, the squared norm of the whole array (one number for every "
                                               "entry): the decay is entry by entry, weight_decay * w"),
]


def _velocity_hint(impl: Implementation, case: SGDCase) -> tuple[str, str] | None:
    """(hint id, why) from your optimizer's own velocity (the provided self.velocities) over three steps of new
    gradients on fresh layers: read as v = a * v + b * (g + weight_decay * w), or its decay term D(w) in
    v = momentum * v - lr * (g + weight_decay * D(w)); a right velocity puts the mistake in the move of w."""
    rng = np.random.default_rng(case.seed + 11)
    layers = make_layers(case.shapes, rng)
    shape = next(iter(_params(layers[0]).values())).shape
    recorded = averages.record(lambda: _optimizer(impl, layers, case), lambda optimizer: _step(optimizer, layers),
                               lambda: _fill(layers, rng, rebind=False), lambda: _params(layers[0]),
                               lambda: _grads(layers[0]), ("velocities",))
    if recorded is None:
        return None
    optimizer, seen = recorded
    changed = settings_changed(optimizer, {"lr": case.lr, "momentum": case.momentum,
                                           "weight_decay": case.weight_decay}, len(seen["move"]))
    if changed:
        return "hyperparameter", changed
    seen["v"] = seen.pop("velocities")
    if not seen["v"][-1].any():
        return None  # the velocity is kept elsewhere: nothing to read
    velocity = averages.Average("v", "(g + weight_decay * w)", (case.momentum, -case.lr),
                                "momentum * v - lr * (g + weight_decay * w)")
    olds = [np.zeros(shape), *seen["v"][:-1]]
    fresh = [g + case.weight_decay * w for g, w in zip(seen["grad"], seen["w"])]
    later_right = all(np.allclose(v, case.momentum * old - case.lr * f, rtol=1e-9, atol=1e-12)
                      for old, v, f in zip(olds[1:], seen["v"][1:], fresh[1:]))
    if case.lr != 1 and later_right and np.allclose(seen["v"][0], -fresh[0], rtol=1e-9, atol=1e-12):
        return "scale", ("your first velocity is -(g + weight_decay * w), without lr, and every later one follows the "
                         "contract: the first step starts v from the gradient itself (v = -g when v is still 0); "
                         "it is the same update as every step, v = momentum * v - lr * (g + weight_decay * w) with v = 0")
    said = averages.verdict(velocity, olds, seen["v"], fresh)
    if said is None:
        if all(np.allclose(move, v, rtol=1e-9, atol=1e-12) for move, v in zip(seen["move"], seen["v"])):
            return None  # velocity and move both right here: the mistake shows elsewhere
        return "order", ("your velocity (in self.velocities) follows the contract at every step, so the mistake is in "
                         "the move of w: w += v, the new velocity itself (no other factor, no correction)")
    if case.weight_decay:
        decay = (seen["v"][0] + case.lr * seen["grad"][0]) / (-case.lr * case.weight_decay)  # v started at 0
        for reading, what in DECAY_READINGS:
            if np.allclose(decay, reading(seen["w"][0]), rtol=1e-6, atol=1e-9):
                return "weight_decay", f"your velocity's decay term is weight_decay * {what}"
    return "scale", said


def _another_run(impl: Implementation, case: SGDCase) -> tuple[list[ToyLayer], list[dict[str, np.ndarray]],
                                                                 list[list[dict[str, np.ndarray]]]] | None:
    """Your optimizer, built with `case`'s hyperparameters, on fresh layers for four steps of new gradients:
    (layers after, their parameters before, the gradients of each step), or None if it failed."""
    rng = np.random.default_rng(case.seed + 9)
    layers = make_layers(case.shapes, rng)
    start = [{k: v.copy() for k, v in _params(layer).items()} for layer in layers]
    history = []
    try:
        optimizer = _optimizer(impl, layers, case)
        for _ in range(4):
            _fill(layers, rng, rebind=False)
            history.append([{k: g.copy() for k, g in _grads(layer).items()} for layer in layers])
            _step(optimizer, layers)
    except CheckFailure:
        return None
    return layers, start, history


def _confirms(impl: Implementation, case: SGDCase, changed: dict[str, float]) -> bool:
    """Whether your optimizer moves as the contract's would with the `changed` hyperparameters on another run."""
    run = _another_run(impl, case)
    if run is None:
        return False
    layers, start, history = run
    simulated = _simulated(start, history, case._replace(**changed), {})
    return simulated is not None and _matches(layers, simulated)


def _confirms_alternative(impl: Implementation, case: SGDCase, index: int) -> bool:
    """Whether your optimizer also moves as alternative number `index` (of `_alternatives`) on another run with
    another learning rate: one case can make two mistakes look alike (lr = 1 - momentum makes a dampened velocity
    look like a fixed lr of 0.01), another lr tells them apart."""
    other = case._replace(lr=case.lr * 0.37)
    run, alternatives = _another_run(impl, other), _alternatives(other)
    if run is None or index >= len(alternatives):
        return False
    layers, start, history = run
    _, _, alternative, options = alternatives[index]
    simulated = _simulated(start, history, alternative, options)
    return simulated is not None and _matches(layers, simulated)


def _compare_trajectory(layers: list[ToyLayer], start: list[dict[str, np.ndarray]],
                        history: list[list[dict[str, np.ndarray]]], case: SGDCase, what: str,
                        expected: list[dict[str, np.ndarray]], moves_later: Callable[[], bool] | None = None,
                        note: str = "", suspect: tuple[str, str] | None = None,
                        confirm: Callable[[dict[str, float]], bool] | None = None,
                        state: Callable[[], tuple[str, str] | None] | None = None,
                        confirm_alternative: Callable[[int], bool] | None = None) -> None:
    """Your parameters after the steps in `history` must equal `expected`; if not, say how they differ.

    `moves_later` takes one more step and says whether the parameters then move: after a step that moved nothing,
    it tells an update that lags one step behind from one that never reaches the arrays. `note` (a line ending in
    a newline) says what was unusual about the gradients; `suspect` (hint id, why) is the likeliest cause when no
    known variant reproduces your parameters; `confirm` checks a refitted hyperparameter on another run; `state`
    reads your own velocity when nothing else names the mistake; `confirm_alternative` checks a known variant that
    reproduced your parameters (by its index in `_alternatives`) on another run."""
    if _matches(layers, expected):
        return
    number, k = next((i, k) for i, (layer, want) in enumerate(zip(layers, expected)) for k in want
                     if not np.allclose(_params(layer)[k], want[k], rtol=1e-9, atol=1e-12))
    mine, want, w0 = _params(layers[number])[k].copy(), expected[number][k], start[number][k]
    worst = int(np.argmax(np.abs(mine - want))) if mine.shape == want.shape else 0  # the entry that shows it
    hint, why = suspect or (None, "compare your step with the update line by line")
    unchanged = all(np.array_equal(_params(layer)[key], w[key]) for layer, w in zip(layers, start) for key in w)
    if unchanged and moves_later is not None and moves_later():
        hint, why = "order", ("your first step moved nothing and the next one did: w += v came before the velocity "
                              "update (v starts at 0); update v first, then move w by the new v")
    elif unchanged:
        hint, why = "not_in_place", ("no parameter changed at all: `w = w + v` (or `w = w - ...`) only rebinds a "
                                     "local name; update the array itself, w += v (and not a copy of it: .astype(...), "
                                     ".copy() and np.array(w) make new arrays, so layer.params[k] never sees the update)")
    matched = [(alt_hint, alt_why) for index, (alt_hint, alt_why, alternative, options) in enumerate(
                   [] if unchanged else _alternatives(case))
               if (simulated := _simulated(start, history, alternative, options)) is not None
               and _matches(layers, simulated) and (confirm_alternative is None or confirm_alternative(index))]
    stalled = None if unchanged or matched else stalled_layer(layers, start, expected)
    refit = None if unchanged or matched or stalled else refitted(
        lambda changed: _simulated(start, history, case._replace(**changed), {}), case._asdict(),
        ("weight_decay", "lr", "momentum"), [_params(layer) for layer in layers], _same_weights,
        DEFAULTS, confirm)
    if matched:
        hint, why = matched[0]
    elif stalled:
        hint, why = stalled
    elif refit:  # a velocity with another momentum or lr: the refit says which, and what the value may be
        hint, why = "hyperparameter", str(refit)
    elif not unchanged and state is not None:
        hint, why = state() or (hint, why)
    if len(matched) > 1:  # this case cannot tell them apart (lr = 1 - momentum, say): name each, claim none
        why = "known mistakes that give exactly your parameters on this case: " + "; or ".join(
            text.removeprefix("your parameters moved exactly as ") for _, text in matched)
    steps = f"{case.steps} step" + ("" if case.steps == 1 else "s")
    raise CheckFailure(
        f"SGDMomentum.step: params[{k!r}] of layer {number} is wrong after {steps} {what}\n"
        f"  worst entry: yours {float(mine.flat[worst]):+.10g}, expected {want.flat[worst]:+.10g} (started at "
        f"{w0.flat[worst]:+.10g})\n"
        f"  hint: {why}; the update is v = momentum * v - lr * (g + weight_decay * w), then w += v\n"
        f"{note}  case: {case}", tensor=f"params[{k!r}]", hint=hint,
    )


LARGE = 100.0  # the factor of one layer's first gradients in the changing-gradients test


def _run(impl: Implementation, case: SGDCase, fresh_gradients: bool) -> None:
    rng = np.random.default_rng(case.seed)
    layers = make_layers(case.shapes, rng)
    start = [{k: v.copy() for k, v in _params(layer).items()} for layer in layers]
    optimizer = _optimizer(impl, layers, case)
    history = []
    zeroed = None
    # Not in the weight-decay test's cases, so that a clipped gradient costs one test's points.
    large = (max((i for i, layer in enumerate(layers) if _grads(layer)), default=None)
             if fresh_gradients and not case.weight_decay else None)
    for step in range(case.steps):
        if fresh_gradients or step == 0:
            for layer in layers:
                for k in _grads(layer):
                    _grads(layer)[k][...] = inputs.gaussian(rng, _grads(layer)[k].shape)
        if step == 0 and large is not None:  # a batch with a large loss: the update takes g as it is, however big
            for k in _grads(layers[large]):
                _grads(layers[large])[k][...] *= LARGE
        if fresh_gradients and step == 1:  # a parameter a batch did not reach still moves: its velocity carries on
            zeroed = next(((i, k) for i, layer in enumerate(layers) for k in _grads(layer)), None)
            if zeroed is not None:
                _grads(layers[zeroed[0]])[zeroed[1]][...] = 0.0
        history.append([{k: g.copy() for k, g in _grads(layer).items()} for layer in layers])
        _step(optimizer, layers)
    if fresh_gradients:
        expected = expected_trajectory(start, history, case)
    else:  # the closed form, an oracle independent of the step-by-step recurrence
        mu = case.momentum
        factor = sum((1 - mu**j) / (1 - mu) for j in range(1, case.steps + 1))
        expected = [{k: w0[k] - case.lr * factor * g[k] for k in w0} for w0, g in zip(start, history[0])]
    what = "with changing gradients" if fresh_gradients else "with a constant gradient"

    def moves_later() -> bool:
        before = [{k: v.copy() for k, v in _params(layer).items()} for layer in layers]
        try:
            _step(optimizer, layers)
        except (StudentCodeError, CheckFailure):
            return False
        return not all(np.array_equal(_params(layer)[k], w[k]) for layer, w in zip(layers, before) for k in w)

    note = "" if zeroed is None else (
        f"  step 2 gave params[{zeroed[1]!r}] of layer {zeroed[0]} an all-zero gradient, on purpose: momentum still "
        f"moves such a parameter (v = momentum * v, then w += v)\n" if case.momentum else
        f"  step 2 gave params[{zeroed[1]!r}] of layer {zeroed[0]} an all-zero gradient, on purpose: with momentum 0 "
        f"only weight decay moves such a parameter\n" if case.weight_decay else
        f"  step 2 gave params[{zeroed[1]!r}] of layer {zeroed[0]} an all-zero gradient, on purpose: with momentum 0 "
        f"and no weight decay such a parameter stays where it is\n")
    suspect = None
    if large is not None and all(np.allclose(_params(layer)[k], want[k], rtol=1e-9, atol=1e-12)
                                 for i, (layer, want) in enumerate(zip(layers, expected)) if i != large for k in want):
        note += (f"  step 1 gave layer {large} gradients {LARGE:g} times larger than usual, on purpose, and only that "
                 f"layer's parameters went wrong\n")
        suspect = ("clip", "the update takes the gradient as it is, however large: no clipping or normalising of g")
    _compare_trajectory(layers, start, history, case, what, expected, moves_later, note, suspect,
                        lambda changed: _confirms(impl, case, changed), lambda: _velocity_hint(impl, case),
                        lambda index: _confirms_alternative(impl, case, index))


def check_constant_gradient(impl: Implementation, case: SGDCase) -> None:
    """k steps with a constant gradient and no weight decay land where the closed form says:
    w_k - w_0 = -lr * g * sum_{j=1..k} (1 - momentum**j) / (1 - momentum)."""
    _run(impl, case, fresh_gradients=False)


def expected_trajectory(start: list[dict[str, np.ndarray]], grads: list[list[dict[str, np.ndarray]]],
                        case: SGDCase, *, decay_lr: float | None = None, step_scale: float = 1.0,
                        lrs: list[float] | None = None, order: str = "velocity first", shared: str = "none",
                        nesterov: bool = False, decay_min_ndim: int = 0,
                        lr_outside: bool = False, skip_zero: bool = False,
                        dampening: bool = False, decay_after: bool = False,
                        momentum_last: bool = False, decay_before: bool = False,
                        decay_of_grad: bool = False) -> list[dict[str, np.ndarray]]:
    """The contract's update, applied step by step to copies (the oracle).

    `lrs` gives each step's learning rate (a schedule; case.lr throughout by default). The other options
    describe known wrong variants, used to name a mistake: `decay_lr` (the factor of weight_decay * w, lr by
    default), `step_scale` (w += step_scale * v), `order="parameter first"` (w += v before v is updated),
    `shared` ("name": one velocity per parameter name across layers; "all": one velocity for everything) and
    `nesterov` (w += momentum * v - lr * g after the velocity update) and `decay_min_ndim` (weight decay only on
    parameters of at least that many axes: 2 skips the biases) and `lr_outside` (PyTorch's convention: the velocity
    sums raw gradients, v = momentum * v + g, and w -= lr * v; the same as the contract's at a constant lr) and
    `skip_zero` (a parameter whose gradient is all zero is left alone that step, velocity and all) and `dampening`
    (v = momentum * v - (1 - momentum) * lr * g, an exponential average of the steps), `decay_after` (the velocity
    sees g alone; w -= lr * weight_decay * w after the move) and `momentum_last` (v = momentum * (v - lr * g): the
    fresh step is damped by momentum too) and `decay_before` (the velocity sees g alone; w -= lr * weight_decay * w
    before the move) and `decay_of_grad` (the decay term multiplies the gradient, g + weight_decay * g).
    """
    w = [{k: a.copy() for k, a in p.items()} for p in start]
    velocity: dict[object, np.ndarray] = {}
    for step, step_grads in enumerate(grads):
        lr = case.lr if lrs is None else lrs[step]
        decay = lr if decay_lr is None else decay_lr
        for i, (wl, gl) in enumerate(zip(w, step_grads)):
            for k in wl:
                if skip_zero and not gl[k].any():
                    continue
                slot = {"none": (i, k), "name": k, "all": "all"}[shared]
                v = velocity.get(slot, np.zeros_like(wl[k]))
                weight_decay = case.weight_decay if wl[k].ndim >= decay_min_ndim else 0.0
                decayed = gl[k] if decay_of_grad else wl[k]
                push = -lr * gl[k] - (0.0 if decay_after or decay_before else decay * weight_decay * decayed)
                if decay_before:
                    wl[k] = wl[k] - lr * weight_decay * wl[k]
                if dampening:
                    push = (1 - case.momentum) * push
                if lr_outside:
                    v = case.momentum * v + gl[k] + weight_decay * wl[k]
                    wl[k] = wl[k] - lr * v
                    velocity[slot] = v
                    continue
                if order == "parameter first":
                    wl[k] = wl[k] + step_scale * v
                v = case.momentum * (v + push) if momentum_last else case.momentum * v + push
                if order != "parameter first":
                    wl[k] = wl[k] + step_scale * (case.momentum * v + push if nesterov else v)
                if decay_after:
                    wl[k] = wl[k] - lr * weight_decay * wl[k]
                velocity[slot] = v
    return w


def check_changing_gradients(impl: Implementation, case: SGDCase) -> None:
    """New gradients every step, one velocity per parameter (and weight decay when the case has it)."""
    _run(impl, case, fresh_gradients=True)


def check_descends_quadratic(impl: Implementation, case: SGDCase) -> None:
    """On L(w) = 0.5 * sum(a * (w - w*)**2), 120 steps at lr 0.05, momentum 0.9 bring w 100x closer to w*."""
    rng = np.random.default_rng(case.seed)
    layers = make_layers(case.shapes, rng)
    curvature = [{k: rng.uniform(0.5, 2.0, v.shape) for k, v in _params(layer).items()} for layer in layers]
    target = [{k: inputs.gaussian(rng, v.shape) for k, v in _params(layer).items()} for layer in layers]

    def distance() -> float:
        return float(np.sqrt(sum(np.sum((_params(layer)[k] - t[k]) ** 2) for layer, t in zip(layers, target) for k in t)))

    quadratic = case._replace(lr=0.05, momentum=0.9, weight_decay=0.0)
    optimizer = _optimizer(impl, layers, quadratic)
    before = distance()
    for _ in range(120):
        for layer, a, t in zip(layers, curvature, target):
            for k in _params(layer):
                _grads(layer)[k][...] = a[k] * (_params(layer)[k] - t[k])
        _step(optimizer, layers)
    after = distance()
    if not after < before / 100:
        # Moving away from the minimum is a sign error; merely converging too slowly can be anything.
        hint = "momentum_sign" if after > before else None
        why = "a step goes against the gradient" if hint else "the update must follow the contract exactly"
        verdict = "does not descend" if after > before / 2 else "descends too slowly"
        raise CheckFailure(
            f"SGDMomentum {verdict}: on a simple quadratic bowl, 120 steps (lr 0.05, momentum 0.9) moved the "
            f"parameters from distance {before:.3g} to {after:.3g} of the minimum (expected below {before / 100:.3g})"
            f"\n  hint: {why}: v = momentum*v - lr*(g + weight_decay*w), then w += v",
            tensor="params", hint=hint,
        )


def _twin_runs(impl: Implementation, case: SGDCase, modes: list[str],
               **kwargs: float) -> tuple[list[ToyLayer], list[ToyLayer], list, list]:
    """Two optimizers over equal toy layers fed equal gradients: one always written in place, one as `modes` say.

    Returns both sets of layers, their start and the gradient history, after stopping at the first step where
    the two disagree (or after the last step).
    """
    rng = np.random.default_rng(case.seed)
    plain = make_layers(case.shapes, rng)
    other = [ToyLayer({k: v.copy() for k, v in _params(layer).items()}) for layer in plain]
    start = [{k: v.copy() for k, v in _params(layer).items()} for layer in plain]
    optimizers = [construct(impl.SGDMomentum, layers, **kwargs) for layers in (plain, other)]
    history = []
    for mode in modes:
        if mode != "unchanged":
            fresh = [{k: inputs.gaussian(rng, g.shape) for k, g in _grads(layer).items()} for layer in plain]
            for layers, rebind in ((plain, False), (other, mode == "rebind")):
                for layer, grads in zip(layers, fresh):
                    for k, g in grads.items():
                        if rebind:
                            _grads(layer)[k] = g.copy()
                        else:
                            _grads(layer)[k][...] = g
        history.append([{k: g.copy() for k, g in _grads(layer).items()} for layer in plain])
        for optimizer, layers in zip(optimizers, (plain, other)):
            _step(optimizer, layers, in_place=True)
        if not _same_params(plain, other):
            break
    return plain, other, start, history


def _same_params(a: list[ToyLayer], b: list[ToyLayer]) -> bool:
    return all(np.allclose(_params(la)[k], _params(lb)[k], rtol=1e-12, atol=1e-15) for la, lb in zip(a, b) for k in _params(la))


def check_trainer_use(impl: Implementation, case: SGDCase) -> None:
    """Used as a trainer uses it, each step uses the gradients and the learning rate of that moment.

    Grads dicts may list their keys in another order than params, parameters may be column-major arrays or named
    otherwise than W and b, and a second optimizer follows a first. A backward may rebind `grads[k]` to a new array
    or write into it (the contract allows both), and a step may come without new gradients: your optimizer must move
    the same way in every case, whatever its update is. A schedule changes `optimizer.lr` between steps (as `gradkit
    train` does): checked only when your update is right at a constant lr (otherwise the tests of the update already
    charge the mistake). Last, a step over layers that include one without params or grads attributes (a Flatten
    layer: the optimizer skips it).
    """
    _trainer_use_with_parameters(impl, case)
    check_layers_without_params_skipped(lambda layers: _optimizer(impl, layers, case), _step, case.shapes,
                                        case.seed + 7)


def _trainer_use_with_parameters(impl: Implementation, case: SGDCase) -> None:
    """`check_trainer_use` but for the layer without params: every layer here has them (or empty dicts)."""
    make = lambda layers: _optimizer(impl, layers, case)  # noqa: E731 - the same optimizer for every twin
    check_optimizers_independent(make, _step, case.shapes, case.seed + 4, "SGDMomentum")
    check_grads_read_by_key(make, _step, case.shapes, case.seed + 2, "SGDMomentum")
    check_any_parameter_names(make, _step, case.shapes, case.seed + 5, "SGDMomentum")
    check_any_memory_order(make, _step, case.shapes, case.seed + 3, "SGDMomentum")
    for decay in (0.0, case.weight_decay):  # a step may write into grads only without weight decay (g = grad)
        check_grads_left_alone(lambda layers: _optimizer(impl, layers, case._replace(weight_decay=decay)), _step,
                               case.shapes, case.seed + 6)
    kwargs = dict(lr=case.lr, momentum=case.momentum, weight_decay=case.weight_decay)
    modes = ["rebind", "in place", "unchanged", "rebind", "in place"]
    plain, other, start, history = _twin_runs(impl, case, modes, **kwargs)
    if not _same_params(plain, other):
        mode = modes[len(history) - 1]
        why = ("after backward put a new array in grads[k] (`self.grads['W'] = dW`, which the contract allows), your "
               "step did not use it: read layer.grads[k] at every step instead of keeping the arrays you saw earlier "
               "(in __init__ or a first step)" if mode == "rebind" else
               "your parameters moved differently when the gradients were written in place than when they were "
               "new arrays: read layer.grads[k] as it is at every step")
        number, k = next((i, k) for i, (a, b) in enumerate(zip(plain, other)) for k in _params(a)
                         if not np.allclose(_params(a)[k], _params(b)[k], rtol=1e-12, atol=1e-15))
        raise CheckFailure(
            f"SGDMomentum.step: params[{k!r}] of layer {number} differs after {len(history)} steps depending on how "
            f"the gradients were stored (step {len(history)}: {mode})\n"
            f"  first entry: with gradients written in place {_params(plain[number])[k].flat[0]:+.6g}, with new "
            f"arrays {_params(other[number])[k].flat[0]:+.6g}\n  hint: {why}\n  case: {case._replace(steps=len(history))}",
            tensor=f"params[{k!r}]", hint="stale_grads")
    if not _matches(plain, expected_trajectory(start, history, case)) or case.lr == case.momentum:
        # The update itself is wrong (its own tests charge that), or lr and momentum are equal, where an update
        # that swaps them looks right until a schedule changes lr: a schedule cannot be judged.
        return
    rng = np.random.default_rng(case.seed + 1)
    layers = make_layers(case.shapes, rng)
    start = [{k: v.copy() for k, v in _params(layer).items()} for layer in layers]
    optimizer = _optimizer(impl, layers, case)
    schedule, history = [case.lr, case.lr / 2, case.lr / 10, case.lr], []
    for lr in schedule:
        call(optimizer, "__setattr__", "lr", lr)
        _fill(layers, rng, rebind=False)
        history.append([{k: g.copy() for k, g in _grads(layer).items()} for layer in layers])
        _step(optimizer, layers, in_place=True)
    expected = expected_trajectory(start, history, case, lrs=schedule)
    if not _matches(layers, expected) and _matches(
            replayed(make, _step, start, history),
            expected_trajectory(start, history, case)):  # else the update itself is wrong: its own tests charge it
        number, k = next((i, k) for i, (layer, want) in enumerate(zip(layers, expected)) for k in want
                         if not np.allclose(_params(layer)[k], want[k], rtol=1e-9, atol=1e-12))
        if _matches(layers, expected_trajectory(start, history, case, lrs=schedule, lr_outside=True)):
            why = ("your velocity sums raw gradients and lr scales it at the end (v = momentum * v + g; w -= lr * v, "
                   "PyTorch's convention): the same at a constant lr, not when lr changes; the contract puts lr inside "
                   "the velocity, v = momentum * v - lr * (g + weight_decay * w), then w += v")
        else:
            why = ("a schedule sets optimizer.lr between steps: read self.lr in every step() (not a copy made "
                   "in __init__ or on an earlier step), and apply it where the contract does, v = momentum * v - lr * (g + weight_decay * w)")
        raise CheckFailure(
            f"SGDMomentum.step: params[{k!r}] of layer {number} is wrong after {len(schedule)} steps with the learning "
            f"rate set to {schedule} between steps (right at a constant lr)\n"
            f"  first entry: {yours_and(_params(layers[number])[k].flat[0], expected[number][k].flat[0])}\n"
            f"  hint: {why}"
            f"\n  case: {case._replace(steps=len(schedule))}", tensor=f"params[{k!r}]", hint="lr_schedule")


def _fill(layers: list[ToyLayer], rng: np.random.Generator, rebind: bool) -> None:
    """New gradients: new arrays in the dicts (as `self.grads["W"] = dW` does), or written into the old ones."""
    for layer in layers:
        for k in _grads(layer):
            fresh = inputs.gaussian(rng, _grads(layer)[k].shape)
            if rebind:
                _grads(layer)[k] = fresh
            else:
                _grads(layer)[k][...] = fresh


def _move_alike(impl: Implementation, case: Any, first: dict[str, float], second: dict[str, float]) -> bool:
    """Whether SGDMomentum(**first) and SGDMomentum(**second) move equal layers alike (`toy_layers.move_alike`)."""
    return move_alike(lambda layers, kwargs: construct(impl.SGDMomentum, layers, **kwargs), _step, _same_params,
                      case.shapes, case.seed, first, second)


def check_defaults(impl: Implementation, case: SGDCase) -> None:
    """SGDMomentum(layers) moves exactly as SGDMomentum(layers, **DEFAULTS)."""
    if _move_alike(impl, case, {}, DEFAULTS):
        return
    if not _move_alike(impl, case, DEFAULTS, DEFAULTS):
        return  # two equally built optimizers already move apart (shared state): not the defaults; its test charges it
    raise CheckFailure(
        "SGDMomentum(layers), with no other arguments, moved the parameters differently from "
        "SGDMomentum(layers, lr=0.01, momentum=0.9, weight_decay=0.0): keep the contract's defaults in __init__'s "
        "signature", tensor="defaults", hint="defaults")
