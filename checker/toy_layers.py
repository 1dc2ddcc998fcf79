"""Stand-in layers for grading an optimizer: parameters and gradients only, as every layer has, plus layers
without parameters (like ReLU) and without the attributes at all (like Flatten), which an optimizer must skip.

Also the checks that run any optimizer over two sets of such layers differing only in what the contract leaves
open (the order of a grads dict's keys, the parameters' memory order) and require the same moves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gradkit.checker import inputs
from gradkit.checker.results import CheckFailure, StudentCodeError

# What an optimizer that wrote into a layer's gradient is told (usually through an alias of it).
GRADS_WRITTEN = ("read the gradients, never write them (`g = layer.grads[k]; g += weight_decay * w` writes into the "
                 "layer's gradient, g being the same array: make a new array, g = layer.grads[k] + weight_decay * w)")

class ToyLayer:
    """A stand-in layer: just `params` and `grads`, as every layer has."""

    def __init__(self, params: dict[str, np.ndarray]):
        self.params = params
        self.grads = {k: np.zeros_like(v) for k, v in params.items()}

    def __repr__(self) -> str:
        return f"ToyLayer({sorted(self.params)})"


class Bare:
    """A layer with no `params` or `grads` attributes at all (the contract says: skip it)."""

    def __repr__(self) -> str:
        return "Bare()"


def params_of(layer: Any) -> dict[str, np.ndarray]:
    """A layer's params, {} for a layer without them (which the optimizer must skip)."""
    return getattr(layer, "params", None) or {}


def grads_of(layer: Any) -> dict[str, np.ndarray]:
    return getattr(layer, "grads", None) or {}


def make_layers(shapes: tuple[tuple[int, ...], ...], rng: np.random.Generator, with_bare: bool = False) -> list[Any]:
    """Two toy layers sharing the parameters of `shapes` (Gaussian values), one with empty dicts (like ReLU), and
    with `with_bare` one without the attributes (like a Flatten layer): only the test of a trainer's use has it, so
    a step that trips over it loses that test's points alone.

    Both layers name their parameters "W", "b", ... as real layers do, so optimizer state kept per name instead
    of per parameter shows.
    """
    half = (len(shapes) + 1) // 2
    names = ["W", "b", "c", "d"]

    def layer(part: tuple[tuple[int, ...], ...]) -> ToyLayer:
        return ToyLayer({n: inputs.gaussian(rng, s) for n, s in zip(names, part)})

    bare = [Bare()] if with_bare else []
    return [layer(shapes[:half]), ToyLayer({}), *bare, layer(shapes[half:])]


def check_layers_without_params_skipped(make: Callable[[list[Any]], Any], step: Callable[[Any, list[Any]], None],
                                        shapes: tuple[tuple[int, ...], ...], seed: int) -> None:
    """One step over layers that include one with no params or grads attributes (a Flatten layer), which the
    optimizer must skip: `step` raises the failure if it trips over that layer. The trainer-use tests run it last,
    so that a mistake in the update itself (a learning-rate schedule not followed, say) is named first."""
    layers = make_layers(shapes, np.random.default_rng(seed), with_bare=True)
    step(make(layers), layers)


def move_alike(build: Callable[[list[Any], dict[str, float]], Any], step: Callable[[Any, list[Any]], None],
               same: Callable[[list[Any], list[Any]], bool], shapes: tuple[tuple[int, ...], ...], seed: int,
               first: dict[str, float], second: dict[str, float], scale: float = 1.0) -> bool:
    """Whether an optimizer built (`build(layers, kwargs)`) with keyword arguments `first` and one built with
    `second`, each on its own copy of equal layers, stepped alternately three times on equal gradients (standard
    normal times `scale`), leave equal parameters (`same`)."""
    rng = np.random.default_rng(seed)
    one = make_layers(shapes, rng)
    other = [ToyLayer({k: v.copy() for k, v in params_of(layer).items()}) for layer in one]
    optimizers = [build(one, first), build(other, second)]
    for _ in range(3):
        for a, b in zip(one, other):
            for k in grads_of(a):
                grads_of(a)[k][...] = grads_of(b)[k][...] = inputs.gaussian(rng, grads_of(a)[k].shape, scale)
        for optimizer, layers in zip(optimizers, (one, other)):
            step(optimizer, layers)
    return same(one, other)


def settings_changed(optimizer: Any, settings: dict[str, float], steps: int) -> str | None:
    """What to say when your steps changed a setting the constructor stored (self.lr, self.momentum, ...), None when
    every one still holds its value (or cannot be read: where a student keeps them is open)."""
    for name, value in settings.items():
        try:
            now = float(getattr(optimizer, name))
        except Exception:  # noqa: BLE001 - a missing attribute or a student's property: nothing to read
            continue
        if not np.isclose(now, value, rtol=1e-12, atol=0):
            return (f"your steps change self.{name} (from {value:g} to {now:.6g} after {steps} steps): the settings "
                    f"stay as constructed, and step only reads them (weight decay enters the gradient, g + "
                    f"weight_decay * w; it does not shrink lr)")
    return None


def stalled_layer(layers: list[Any], start: list[dict[str, np.ndarray]],
                  expected: list[dict[str, np.ndarray]]) -> tuple[str, str] | None:
    """(hint id, why) when a layer that should have moved kept every parameter as it was while an earlier layer moved (or a
    parameter did while another of its layer moved), or None.

    make_layers puts a layer without parameters between the two that have some, so a loop that stops there
    (`return` or `break` where `continue` belongs) leaves the later layer as it started."""
    def kept(weights: dict[str, np.ndarray], layer: Any) -> bool:
        return all(np.array_equal(params_of(layer).get(k), w) for k, w in weights.items())

    moved = [i for i, (layer, w) in enumerate(zip(layers, start)) if w and not kept(w, layer)]
    stuck = [i for i, (layer, w, want) in enumerate(zip(layers, start, expected))
             if w and kept(w, layer) and not all(np.array_equal(want[k], w[k]) for k in w)]
    for i, (layer, w, want) in enumerate(zip(layers, start, expected)):
        still = [k for k in w if kept({k: w[k]}, layer) and not np.array_equal(want[k], w[k])]
        if still and len(still) < len(w):
            went = [k for k in w if k not in still]
            return ("keys", f"params[{still[0]!r}] of layer {i} did not move at all, while its params[{went[0]!r}] "
                            "did: the update reaches only some parameters; keep `w += v` inside the loop over every "
                            "key, not after it")
    if not moved or not stuck or min(moved) > min(stuck):
        return None
    between = [i for i in range(min(moved) + 1, min(stuck)) if not params_of(layers[i])]
    where = f" (layer {between[0]} before it has no parameters)" if between else ""
    return ("skip_layers", f"the parameters of layer {min(stuck)} did not move at all, while layer {min(moved)}'s "
                           f"did{where}: your loop over the layers stops early (skip a layer with `continue`, "
                           "not `return` or `break`), or pairs the layers with the wrong velocities (a list of the "
                           "layers with parameters zipped with one entry per layer: keep both lists aligned)")


def replayed(make_optimizer: Callable[[list[Any]], Any], step: Callable[[Any, list[Any]], None],
             start: list[dict[str, np.ndarray]], history: list[list[dict[str, np.ndarray]]]) -> list[ToyLayer]:
    """New layers holding copies of `start`, after a new optimizer stepped them through the gradients of
    `history` (one list of per-layer dicts per step)."""
    layers = [ToyLayer({k: w.copy() for k, w in weights.items()}) for weights in start]
    optimizer = make_optimizer(layers)
    for grads in history:
        for layer, step_grads in zip(layers, grads):
            for k, g in step_grads.items():
                layer.grads[k][...] = g
        step(optimizer, layers)
    return layers


def _twin_differs(make_optimizer: Callable[[list[Any]], Any], step: Callable[[Any, list[Any]], None],
                  shapes: tuple[tuple[int, ...], ...], seed: int, vary: Callable[[ToyLayer], ToyLayer],
                  names: dict[str, str] | None = None) -> str | None:
    """Two optimizers over equal layers fed equal gradients for two steps, one over layers changed by `vary` in a
    way the contract allows (`names` maps a plain key to the varied layer's, where `vary` renames them): None if
    both move the same way, else how the varied one differed ("" or what it raised)."""
    names = names or {}
    rng = np.random.default_rng(seed)
    plain = make_layers(shapes, rng)
    varied = [vary(ToyLayer({k: v.copy() for k, v in params_of(layer).items()})) for layer in plain]
    optimizers = [make_optimizer(plain), make_optimizer(varied)]
    for _ in range(2):
        for layer, twin in zip(plain, varied):
            for k in grads_of(layer):
                grads_of(layer)[k][...] = grads_of(twin)[names.get(k, k)][...] = inputs.gaussian(
                    rng, grads_of(layer)[k].shape)
        step(optimizers[0], plain)
        try:
            step(optimizers[1], varied)
        except StudentCodeError as error:
            return f" (it raised {error.message.splitlines()[0]})"
        if not all(np.allclose(params_of(a)[k], params_of(b)[names.get(k, k)], rtol=1e-12, atol=1e-15,
                               equal_nan=True) for a, b in zip(plain, varied) for k in params_of(a)):
            return ""
    return None


OTHER_NAMES = {"W": "gamma", "b": "beta", "c": "weight", "d": "bias"}  # BatchNorm's, and PyTorch's names


def _renamed(layer: ToyLayer) -> ToyLayer:
    layer.params = {OTHER_NAMES[k]: v for k, v in layer.params.items()}
    layer.grads = {OTHER_NAMES[k]: v for k, v in layer.grads.items()}
    return layer


def check_any_parameter_names(make_optimizer: Callable[[list[Any]], Any], step: Callable[[Any, list[Any]], None],
                              shapes: tuple[tuple[int, ...], ...], seed: int, name: str) -> None:
    """Layers whose parameters have other names than W and b (BatchNorm's gamma and beta) move as the plain ones
    do: an optimizer updates whatever keys a layer's params dict has."""
    differs = _twin_differs(make_optimizer, step, shapes, seed, _renamed, OTHER_NAMES)
    if differs is not None:
        raise CheckFailure(
            f"{name}.step moved parameters named 'gamma' and 'beta' (or 'weight', 'bias') differently from the same "
            f"ones named 'W' and 'b' (or 'c', 'd'){differs}\n  hint: update every key of layer.params (for k in layer.params), not "
            f"'W' and 'b' by name: BatchNorm's are 'gamma' and 'beta'\n  case: layers with parameters of shapes "
            f"{list(shapes)}", tensor="params", hint="keys")


def check_optimizers_independent(make_optimizer: Callable[[list[Any]], Any],
                                 step: Callable[[Any, list[Any]], None], shapes: tuple[tuple[int, ...], ...],
                                 seed: int, name: str) -> None:
    """A second optimizer, built after a first one has run, moves equal layers fed equal gradients exactly as the
    first did: nothing of the first (velocities in a class attribute, a mutable default argument or a module-level
    dict) may carry over."""
    runs = []
    for _ in range(2):
        rng = np.random.default_rng(seed)
        layers = make_layers(shapes, rng)
        optimizer = make_optimizer(layers)
        for _ in range(2):
            for layer in layers:
                for k in grads_of(layer):
                    grads_of(layer)[k][...] = inputs.gaussian(rng, grads_of(layer)[k].shape)
            step(optimizer, layers)
        runs.append(layers)
    if all(np.allclose(params_of(a)[k], params_of(b)[k], rtol=1e-12, atol=1e-15, equal_nan=True)
           for a, b in zip(*runs) for k in params_of(a)):
        return
    raise CheckFailure(
        f"a second {name}, built after a first one had run, moved equal layers with equal gradients differently "
        f"from the first: state carries over from one optimizer to the next\n  hint: keep the velocities (and any "
        f"cache) on self, made in __init__; a class attribute, a mutable default argument (`def f(self, memo={{}})`) "
        f"or a module-level dict is one object shared by every {name}\n  case: layers with parameters of shapes "
        f"{list(shapes)}, two steps each", tensor="params", hint="shared_state")


def _keys_reversed(layer: ToyLayer) -> ToyLayer:
    layer.grads = dict(reversed(layer.grads.items()))
    return layer


def _column_major(layer: ToyLayer) -> ToyLayer:
    layer.params = {k: np.asfortranarray(v) for k, v in layer.params.items()}
    layer.grads = {k: np.asfortranarray(v) for k, v in layer.grads.items()}
    return layer


def check_grads_read_by_key(make_optimizer: Callable[[list[Any]], Any], step: Callable[[Any, list[Any]], None],
                            shapes: tuple[tuple[int, ...], ...], seed: int, name: str) -> None:
    """Layers whose grads dicts list their keys in the other order than their params' (the contract pairs them by
    key, as a backward that builds `{"b": db, "W": dW}` shows) move as the plain ones do; pairing
    `zip(params.values(), grads.values())` does not."""
    differs = _twin_differs(make_optimizer, step, shapes, seed, _keys_reversed)  # no other order with one key
    if differs is not None:
        raise CheckFailure(
            f"{name}.step moved the parameters differently when a layer's grads dict lists its keys in another order "
            f"than its params dict{differs}\n  hint: pair each parameter with its gradient by key, layer.grads[k] "
            f"for each k of layer.params, not by position (zip(params.values(), grads.values()))\n  case: layers "
            f"with parameters of shapes {list(shapes)}", tensor="params", hint="keys")


def check_grads_left_alone(make_optimizer: Callable[[list[Any]], Any], step: Callable[..., None],
                           shapes: tuple[tuple[int, ...], ...], seed: int) -> None:
    """Two steps of `make_optimizer(layers)` (one optimizer of the settings under test, e.g. without weight decay)
    on new Gaussian gradients, each `step(optimizer, layers, in_place=True)`: that step raises if grads were
    written into (the other tests put them back and judge the values: one mistake, one charge)."""
    rng = np.random.default_rng(seed)
    layers = make_layers(shapes, rng)
    optimizer = make_optimizer(layers)
    for _ in range(2):
        for layer in layers:
            for k, grad in layer.grads.items():
                grad[...] = rng.standard_normal(grad.shape)
        step(optimizer, layers, in_place=True)


def check_any_memory_order(make_optimizer: Callable[[list[Any]], Any], step: Callable[[Any, list[Any]], None],
                           shapes: tuple[tuple[int, ...], ...], seed: int, name: str) -> None:
    """Layers whose parameters (and gradients) are column-major arrays (a transposed weight, a layer built with
    np.asfortranarray) move as row-major ones do: `w.reshape(-1)` or `w.ravel()` of such an array is a copy, so
    updating it in place updates nothing."""
    if all(len(shape) < 2 for shape in shapes):
        return  # 1-D arrays have one memory order
    differs = _twin_differs(make_optimizer, step, shapes, seed, _column_major)
    if differs is not None:
        raise CheckFailure(
            f"{name}.step moved column-major (np.asfortranarray) parameters differently from row-major ones{differs}"
            f"\n  hint: update each parameter array itself (w += v, w[...] = ...); w.reshape(-1) and w.ravel() are "
            f"copies for such arrays, so writing into them changes nothing\n  case: layers with parameters of "
            f"shapes {list(shapes)}", tensor="params", hint="memory_order")
