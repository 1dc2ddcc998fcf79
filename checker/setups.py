"""Building a student layer and its input for a case, through the case's spec (`spec.build`, `spec.make_input`).

Parameters are overwritten (in place) with Gaussian values, so a zero bias from the constructor
cannot hide a forward that ignores `b`. Each spec draws its input: `inputs.distinct` where a kink or a tie
could fool finite differences, Gaussian elsewhere.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from gradkit.checker import inputs
from gradkit.checker.contract import checked_backward, checked_forward
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure
from gradkit.checker.specs import spec_of

LayerCase = Any  # the `Case` of a layer's spec


class Setup(NamedTuple):
    layer: Any
    x: np.ndarray  # float64 input
    out_shape: tuple[int, ...]
    formula: str  # how the output shape follows from the case, for messages


def build_layer(impl: Implementation, case: LayerCase, rng: np.random.Generator, fill_params: bool = True) -> Any:
    """A fresh student layer for `case`, parameters filled (in place) with Gaussian values unless `fill_params`
    is False (then they keep the constructor's values: a diagnosis uses that to spot stale copies of W).

    The constructor gets a generator of its own (spawned, which draws nothing from `rng`): the values the check
    draws next are the same however many numbers the constructor takes, in this process or in the sandbox.
    Parameters of float32, or of another shape with the contract's size (the spec's `param_shapes`, a (1, M) bias
    say), are replaced by float64 arrays of the contract's shape: the constructor's test charges that, once."""
    layer = spec_of(case).build(impl, case, rng.spawn(1)[0])
    params = getattr(layer, "params", None)
    if not isinstance(params, dict):
        raise CheckFailure(f"{type(layer).__name__} has no `params` dict (the provided constructor makes one)")
    shapes = getattr(spec_of(case), "param_shapes", lambda _: {})(case)
    for key, value in list(params.items()):
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise CheckFailure(f"{type(layer).__name__}.params[{key!r}] must be a float64 array after construction")
        shape = shapes.get(key, value.shape)
        if value.dtype != np.float64 or (value.shape != shape and value.size == int(np.prod(shape))):
            # float32 parameters, or a bias of shape (1, M): the constructor's test charges that, once; here they
            # become the contract's float64 arrays of the contract's shape, their grads alike
            value = params[key] = value.astype(np.float64).reshape(shape)
            grads = getattr(layer, "grads", None)
            if isinstance(grads, dict) and isinstance(grads.get(key), np.ndarray):
                grads[key] = np.zeros_like(value)
        drawn = inputs.gaussian(rng, value.shape)  # drawn either way: the input and dout stay the same
        if fill_params:
            value[...] = drawn
    return layer


def make_input(case: LayerCase, rng: np.random.Generator) -> np.ndarray:
    return spec_of(case).make_input(case, rng)


def build(impl: Implementation, case: LayerCase, rng: np.random.Generator, fill_params: bool = True) -> Setup:
    """The layer, its input, and the expected output shape for `case`."""
    layer = build_layer(impl, case, rng, fill_params)
    return Setup(layer, make_input(case, rng), tuple(case.out_shape), case.out_formula)


class Evaluated(NamedTuple):
    """A layer run once on its case: forward, then backward with a Gaussian upstream gradient `v`."""

    setup: Setup
    out: np.ndarray
    v: np.ndarray
    dx: np.ndarray | None  # None when only a parameter's gradient was asked for
    grads: dict[str, np.ndarray]
    rng: np.random.Generator  # drawn from after v, for directions


def evaluate(impl: Implementation, case: LayerCase, only: str | None = None, fill_params: bool = True) -> Evaluated:
    """Build the layer for `case` and run the checked forward and backward passes (deterministic in case.seed).

    With `only` ("x" or a params key), a gradient check's view: only that tensor of backward is checked
    (see `checked_backward`), and a forward that writes into its input is left to the contract test.
    """
    rng = np.random.default_rng(case.seed)
    setup = build(impl, case, rng, fill_params)
    out = checked_forward(setup.layer, setup.x, setup.out_shape, setup.formula, keep_input=only is None)
    v = inputs.gaussian(rng, out.shape)
    params = {k: p.copy() for k, p in setup.layer.params.items()}
    dx, grads = checked_backward(setup.layer, v, setup.x, only)
    if only is not None:  # a backward that also moves the parameters is the contract test's to charge
        for key, value in params.items():
            if isinstance(setup.layer.params.get(key), np.ndarray) and setup.layer.params[key].shape == value.shape:
                setup.layer.params[key][...] = value
    return Evaluated(setup, out, v, dx, grads, rng)
