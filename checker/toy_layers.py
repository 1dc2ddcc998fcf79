"""Stand-in layers for grading an optimizer: parameters and gradients only, as every layer has, plus layers
without parameters (like ReLU) and without the attributes at all (like Flatten), which an optimizer must skip."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradkit.checker import inputs

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
