"""What the provided constructors promise: weights drawn from `rng` (He scale), zero biases, float64, and the
contract's defaults (`Conv2D` stride 1 and padding 0, `MaxPool2D(k)` with stride k).

Every other check passes every argument explicitly and overwrites the parameters, so without these a student
who changed the provided constructor would never hear of it, and their network would train differently.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradkit.checker import inputs
from gradkit.checker.cases import ConvCase, PoolCase
from gradkit.checker.guard import call, construct
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure

# Big enough that the sample std of W estimates the He std to about 2% (one standard error: 1/sqrt(2n)).
CONV_ARGS = dict(C=8, F=16, K=3)  # W has 16*8*3*3 = 1152 entries, fan_in = 72
LINEAR_ARGS = dict(D=60, M=30)  # W has 1800 entries, fan_in = 60
SIGMAS = 7  # the tolerance in standard errors: an honest draw never falls outside it


def _conv(impl: Implementation, seed: int, **kwargs: Any) -> Any:
    a = CONV_ARGS
    return construct(impl.Conv2D, a["C"], a["F"], a["K"], rng=np.random.default_rng(seed), **kwargs)


def _linear(impl: Implementation, seed: int) -> Any:
    return construct(impl.Linear, LINEAR_ARGS["D"], LINEAR_ARGS["M"], rng=np.random.default_rng(seed))


def _params(layer: Any, cls: str, shapes: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    params = getattr(layer, "params", None)
    if not isinstance(params, dict) or set(params) != set(shapes):
        keys = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise CheckFailure(f"{cls}.__init__ must make params with keys {sorted(shapes)}; got {keys}", tensor="init")
    for key, shape in shapes.items():
        value = params[key]
        if not isinstance(value, np.ndarray) or value.shape != shape or value.dtype != np.float64:
            what = f"{value.dtype} array of shape {value.shape}" if isinstance(value, np.ndarray) else type(value).__name__
            raise CheckFailure(f"{cls}.__init__: params[{key!r}] must be a float64 array of shape {shape}; got {what} "
                               "(keep the provided constructor)", tensor="init")
    return params


def _check_weights(cls: str, make: Any, shapes: dict[str, tuple[int, ...]], fan_in: int, call_text: str,
                   x: np.ndarray) -> None:
    """Reproducible from rng, different for another seed, He std, zero bias.

    The layer runs forward on `x` first: the constructor is provided, so an exercise whose methods are still
    stubs earns nothing here (its forward reports "not implemented yet").
    """
    call(make(7), "forward", x)
    first, again, other = (_params(make(seed), cls, shapes) for seed in (7, 7, 8))
    if not np.array_equal(first["W"], again["W"]):
        raise CheckFailure(
            f"{cls}.__init__: two layers built with equally seeded generators ({call_text}) got different weights: draw "
            "W from the `rng` argument (rng.normal(...)), never from np.random, so a seed reproduces a network",
            tensor="init", hint="init_rng")
    if np.array_equal(first["W"], other["W"]):
        raise CheckFailure(
            f"{cls}.__init__: generators with different seeds gave the same weights: draw W from the `rng` argument "
            "(a fixed np.random.seed inside the constructor ignores it)", tensor="init", hint="init_rng")
    W = first["W"]
    expected = np.sqrt(2.0 / fan_in)
    std, mean, n = float(W.std()), float(W.mean()), W.size
    if abs(std / expected - 1) > SIGMAS / np.sqrt(2 * n) or abs(mean) > SIGMAS * expected / np.sqrt(n):
        raise CheckFailure(
            f"{cls}.__init__: the initial weights have mean {mean:.3g} and std {std:.4g}; He initialisation draws them "
            f"from N(0, 2 / fan_in), std sqrt(2 / {fan_in}) = {expected:.4g} (fan_in = inputs per output; keep the "
            "provided constructor)", tensor="init", hint="init_scale")
    if np.any(first["b"]):
        raise CheckFailure(f"{cls}.__init__: b must start at zeros; yours starts at {first['b'].flat[:3]}... "
                           "(keep the provided constructor)", tensor="init", hint="init_scale")


def _same_forward(defaulted: Any, explicit: Any, x: np.ndarray, formula: str, call_text: str,
                  explicit_text: str) -> None:
    """A layer built with the contract's defaults computes what the explicitly built one computes.

    The two are compared with each other, not with the contract's output: a forward that is wrong either way
    is the forward tests' mistake, not the defaults'. `formula` explains a difference in shape.
    """
    if getattr(defaulted, "params", None):
        for key, value in explicit.params.items():
            defaulted.params[key][...] = value
    mine = np.asarray(call(defaulted, "forward", x.copy()))
    want = np.asarray(call(explicit, "forward", x.copy()))
    if mine.shape != want.shape:
        raise CheckFailure(f"{call_text} must behave as {explicit_text}, but its output has shape {mine.shape}, not "
                           f"{want.shape}\n  expected shape: {formula}\n  hint: check the default values in "
                           "__init__'s signature against the contract", tensor="defaults", hint="defaults")
    if not np.allclose(mine, want, rtol=1e-12, atol=1e-12, equal_nan=True):
        raise CheckFailure(f"{call_text} gives other outputs than {explicit_text}: check the default values in "
                           "__init__'s signature against the contract", tensor="defaults", hint="defaults")


def check_conv_constructor(impl: Implementation) -> None:
    """Weights from rng with the He scale, zero bias, float64; stride 1 and padding 0 by default; an int kernel
    size means a square kernel."""
    a = CONV_ARGS
    shapes = {"W": (a["F"], a["C"], a["K"], a["K"]), "b": (a["F"],)}
    call_text = f"Conv2D({a['C']}, {a['F']}, {a['K']}, rng=np.random.default_rng(7))"
    x = inputs.gaussian(np.random.default_rng(10), (1, a["C"], a["K"] + 1, a["K"] + 2))
    _check_weights("Conv2D", lambda seed: _conv(impl, seed), shapes, a["C"] * a["K"] ** 2, call_text, x)
    case = ConvCase(N=2, C=2, F=3, H=6, W=5, KH=3, KW=3, stride=1, padding=0, seed=0)
    x = inputs.gaussian(np.random.default_rng(11), case.x_shape)
    explicit = construct(impl.Conv2D, 2, 3, (3, 3), 1, 0, rng=np.random.default_rng(1))
    for key, value in explicit.params.items():
        value[...] = inputs.gaussian(np.random.default_rng(12), value.shape)
    defaulted = construct(impl.Conv2D, 2, 3, 3, rng=np.random.default_rng(1))
    _same_forward(defaulted, explicit, x, case.out_formula,
                  "Conv2D(2, 3, 3) (defaults: stride=1, padding=0)", "Conv2D(2, 3, (3, 3), stride=1, padding=0)")


def check_linear_constructor(impl: Implementation) -> None:
    """Weights from rng with the He scale, zero bias, float64."""
    D, M = LINEAR_ARGS["D"], LINEAR_ARGS["M"]
    _check_weights("Linear", lambda seed: _linear(impl, seed), {"W": (D, M), "b": (M,)}, D,
                   f"Linear({D}, {M}, rng=np.random.default_rng(7))", inputs.gaussian(np.random.default_rng(10), (2, D)))


def check_pool_defaults(impl: Implementation) -> None:
    """MaxPool2D(k) pools with stride k, MaxPool2D() with a 2x2 window and stride 2, and an int k a square window."""
    for call_text, args, K in [("MaxPool2D(3)", (3,), 3), ("MaxPool2D()", (), 2)]:
        case = PoolCase(N=2, C=2, H=7, W=8, KH=K, KW=K, stride=K, seed=0)
        x = inputs.distinct(np.random.default_rng(13), case.x_shape)
        explicit = construct(impl.MaxPool2D, (K, K), K)
        _same_forward(construct(impl.MaxPool2D, *args), explicit, x, case.out_formula,
                      f"{call_text} (the stride defaults to the kernel size)", f"MaxPool2D(({K}, {K}), stride={K})")
