"""Two layers of one class in one network must not share state.

A cache kept in a class attribute (`cache = {}` in the class body, or a list appended to) works for one
layer and breaks in a network with two: the first layer's backward then reads the second layer's input.
The check runs two instances as a network does (forward A, forward B, backward B, backward A) and compares
every result with what each instance computes alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from checker import inputs
from checker.guard import call
from checker.impl import Implementation
from checker.results import CheckFailure
from checker.setups import LayerCase, build


def _results(layer: Any, out: Any, dx: Any) -> dict[str, np.ndarray]:
    """What a layer computed, as copies; whatever is not an array is left out (its own tests judge it)."""
    found = {"out": out, "dx": dx, **{f"d{k}": g for k, g in (getattr(layer, "grads", None) or {}).items()}}
    return {name: np.array(value, dtype=float) for name, value in found.items() if isinstance(value, np.ndarray)}


def _alone(impl: Implementation, case: LayerCase, seed: int) -> tuple[Any, np.ndarray, dict[str, np.ndarray]]:
    """A fresh layer for `case` (parameters from `seed`), its dout, and what it computes alone."""
    rng = np.random.default_rng(seed)
    setup = build(impl, case, rng)
    out = call(setup.layer, "forward", setup.x.copy())
    dout = inputs.gaussian(rng, setup.out_shape)
    dx = call(setup.layer, "backward", dout.copy())
    return setup, dout, _results(setup.layer, out, dx)


def check_instances_independent(impl: Implementation, case: LayerCase) -> None:
    """Two live instances give each the results it gives alone (whether or not those are right)."""
    seeds = (case.seed, case.seed + 1)
    alone = [_alone(impl, case, seed) for seed in seeds]
    # The same layers again, built fresh and run interleaved as in a network.
    runs = [build(impl, case, np.random.default_rng(seed)) for seed in seeds]
    for run, (setup, _dout, _results_alone) in zip(runs, alone):
        for key, value in setup.layer.params.items():
            run.layer.params[key][...] = value
    outs = [call(run.layer, "forward", run.x.copy()) for run in runs]
    dxs: list[Any] = [None, None]
    for i in (1, 0):
        dxs[i] = call(runs[i].layer, "backward", alone[i][1].copy())
    got = [_results(run.layer, out, dx) for run, out, dx in zip(runs, outs, dxs)]
    cls = type(runs[0].layer).__name__
    for i, order in ((0, "first"), (1, "second")):
        for name, want in alone[i][2].items():
            mine = got[i].get(name)
            if mine is None or mine.shape != want.shape or not np.allclose(mine, want, rtol=1e-10, atol=1e-12):
                raise CheckFailure(
                    f"two {cls} layers in one network interfere: the {order} one's {name} differs from what it "
                    f"computes alone (forward A, forward B, backward B, backward A)\n"
                    f"  hint: keep the cache and grads on `self`, set in __init__ or forward; an attribute assigned "
                    f"in the class body (`cache = {{}}`, `saved = []`) is one object shared by every {cls}\n"
                    f"  case: {case}", tensor=name, hint="shared_state")
