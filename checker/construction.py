"""What the provided constructors promise: weights drawn from `rng` (He scale), zero biases, float64, and the
contract's defaults; each exercise's spec calls these with its own constructor and defaults.

Every other check passes every argument explicitly and overwrites the parameters, so without these a student
who changed the provided constructor would never hear of it, and their network would train differently.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradkit.checker.guard import call
from gradkit.checker.results import CheckFailure, StudentCodeError

SIGMAS = 7  # the tolerance in standard errors: an honest draw never falls outside it


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


def check_weights(cls: str, make: Any, shapes: dict[str, tuple[int, ...]], fan_in: int, call_text: str,
                   x: np.ndarray, draw: Any = None) -> None:
    """Reproducible from rng, different for another seed and for two layers built with rng=None, He std, zero bias;
    with `draw` (rng -> W, the provided constructor's own draw), the very weights the provided constructor gives for
    seed 7. `make(seed)` builds a layer from a generator of that seed (None: with rng=None).

    The layer runs forward on `x` first: the constructor is provided, so an exercise whose methods are still
    stubs earns nothing here (its forward reports "not implemented yet"); a forward that raises is the forward tests'
    to charge, not the constructor's.
    """
    try:
        call(make(7), "forward", x)
    except StudentCodeError:
        pass
    first, again, other = (_params(make(seed), cls, shapes) for seed in (7, 7, 8))
    if not np.array_equal(first["W"], again["W"]):
        raise CheckFailure(
            f"{cls}.__init__: two layers built with equally seeded generators ({call_text}) got different weights: draw "
            "W from the `rng` argument (rng.normal(...)), never from np.random, so a seed reproduces a network",
            tensor="init", hint="init_rng")
    if np.array_equal(first["W"], other["W"]) and np.all(first["W"] == first["W"].flat[0]):
        raise CheckFailure(
            f"{cls}.__init__: every initial weight is {float(first['W'].flat[0]):.4g}, whatever the seed: a draw whose "
            f"spread is 0, such as rng.normal(std, 0.0, size) (numpy's normal takes the mean first, then the standard "
            f"deviation: rng.normal(0.0, std, size)); keep the provided constructor", tensor="init", hint="init_scale")
    if np.array_equal(first["W"], other["W"]):
        raise CheckFailure(
            f"{cls}.__init__: generators with different seeds gave the same weights: draw W from the `rng` argument "
            "(a fixed np.random.seed inside the constructor ignores it)", tensor="init", hint="init_rng")
    if np.array_equal(*(_params(make(None), cls, shapes)["W"] for _ in range(2))):
        raise CheckFailure(
            f"{cls}.__init__: two layers built without a generator (rng=None) got the same weights: with rng=None the "
            "provided constructor draws from a fresh np.random.default_rng() (no seed), so that two layers of a "
            "network start differently; a fixed seed there makes every such layer a copy (keep the provided "
            "constructor)", tensor="init", hint="init_rng")
    W = first["W"]
    expected = np.sqrt(2.0 / fan_in)
    std, mean, n = float(W.std()), float(W.mean()), W.size
    if abs(std / expected - 1) > SIGMAS / np.sqrt(2 * n) or abs(mean) > SIGMAS * expected / np.sqrt(n):
        raise CheckFailure(
            f"{cls}.__init__: the initial weights have mean {mean:.3g} and std {std:.4g}; He initialisation draws them "
            f"from N(0, 2 / fan_in), std sqrt(2 / {fan_in}) = {expected:.4g} (fan_in = inputs per output; keep the "
            "provided constructor)", tensor="init", hint="init_scale")
    _normal_shape(cls, W / expected)
    if draw is not None and not np.array_equal(W, draw(np.random.default_rng(7))):
        raise CheckFailure(
            f"{cls}.__init__: {call_text} holds other weights than the provided constructor draws from that generator "
            "(right distribution, other values): keep its draw as given, rng.normal(0.0, sqrt(2 / fan_in), "
            f"size={shapes['W']}), so that a seed reproduces the course's networks (drawing another shape and "
            "transposing, or drawing in another order, gives other numbers)", tensor="init", hint="init_rng")
    if np.any(first["b"]):
        raise CheckFailure(f"{cls}.__init__: b must start at zeros; yours starts at {first['b'].flat[:3]}... "
                           "(keep the provided constructor)", tensor="init", hint="init_scale")


# Bands of a standard normal draw, with the share of it each holds: a draw of the right std but another shape
# (a uniform one, as PyTorch's kaiming_uniform_; a truncated one) puts too few or too many entries in some band.
BANDS = [("beyond sqrt(3) std", lambda z: np.abs(z) > np.sqrt(3), 0.0832645167),
         ("within 1 std", lambda z: np.abs(z) < 1, 0.6826894921), ("beyond 2 std", lambda z: np.abs(z) > 2, 0.0455002639)]


def _normal_shape(cls: str, z: np.ndarray) -> None:
    """W / the He std looks like a standard normal draw: each band holds its share within SIGMAS standard errors."""
    n = z.size
    for name, inside, share in BANDS:
        found = int(np.count_nonzero(inside(z)))
        if abs(found - n * share) > SIGMAS * np.sqrt(n * share * (1 - share)):
            raise CheckFailure(
                f"{cls}.__init__: the initial weights have the He std but not a normal distribution: {found} of {n} "
                f"lie {name}, where a normal draw puts about {n * share:.0f} (a uniform draw of that std puts none "
                f"beyond sqrt(3) std)\n  hint: He initialisation draws from N(0, 2 / fan_in): rng.normal(0, "
                f"sqrt(2 / fan_in), size), as the provided constructor does", tensor="init", hint="init_scale")


# A default is set in two places: the signature, and the body that turns None into a value (stride=None -> stride).
DEFAULTS_ADVICE = ("compare the defaults with the contract where __init__ sets them: in its signature, and where its "
                   "body replaces a None (a stride of None means the kernel size)")


def same_forward(defaulted: Any, explicit: Any, x: np.ndarray, formula: str, call_text: str,
                  explicit_text: str) -> None:
    """A layer built with the contract's defaults computes what the explicitly built one computes.

    The two are compared with each other, not with the contract's output: a forward that is wrong either way
    is the forward tests' mistake, not the defaults'. `formula` explains a difference in shape.
    """
    if getattr(defaulted, "params", None):
        for key, value in explicit.params.items():
            defaulted.params[key][...] = value
    try:
        want = np.asarray(call(explicit, "forward", x.copy()))
    except StudentCodeError:
        return  # forward raises with the arguments spelled out too: the forward tests charge that
    mine = np.asarray(call(defaulted, "forward", x.copy()))
    if mine.shape != want.shape:
        raise CheckFailure(f"{call_text} must behave as {explicit_text}, but its output has shape {mine.shape}, not "
                           f"{want.shape}\n  expected shape: {formula}\n  hint: {DEFAULTS_ADVICE}", tensor="defaults",
                           hint="defaults")
    if not np.allclose(mine, want, rtol=1e-12, atol=1e-12, equal_nan=True):
        raise CheckFailure(f"{call_text} gives other outputs than {explicit_text}\n  hint: {DEFAULTS_ADVICE}",
                           tensor="defaults", hint="defaults")
