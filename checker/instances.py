"""A layer's state belongs to that layer and to its latest forward call.

A cache kept in a class attribute (`cache = {}` in the class body, or a list appended to) works for one
layer and breaks in a network with two: the first layer's backward then reads the second layer's input.
A cache filled only on the first call (`if self.mask is None: ...`) works for one batch and breaks on the
next. The check runs two instances as a network does (forward A, forward B, backward B, backward A), then
A again on a new input, and compares every result with what a fresh instance computes alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradkit.checker import hints, inputs
from gradkit.checker.contract import backward_after_forward, unusable_if_failing
from gradkit.checker.guard import call
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure, judged_where_possible, remembers_case
from gradkit.checker.setups import LayerCase, build
from gradkit.checker.specs import exercise_of_case, spec_of


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to round-off, NaN where both are NaN (a NaN the code computes twice is still repeatable)."""
    return bool(np.allclose(a, b, rtol=1e-10, atol=1e-12, equal_nan=True))


def _set_params(layer: Any, params: dict[str, np.ndarray]) -> None:
    """Write `params` into the layer's own parameter arrays, which must still have the constructor's shapes."""
    for key, value in params.items():
        mine = layer.params.get(key)
        if getattr(mine, "shape", None) != value.shape:
            raise CheckFailure(
                f"{type(layer).__name__}.params[{key!r}] has shape {getattr(mine, 'shape', None)} after forward and "
                f"backward; it must keep the shape the constructor gave it, {value.shape}\n  hint: reshape a local "
                f"copy (W = self.params['W'].reshape(F, -1)), never self.params[{key!r}] itself (no assignment to "
                f"its .shape, no new array in the dict)", tensor=f"params[{key!r}]", hint="shape")
        mine[...] = value


def _results(layer: Any, out: Any, dx: Any) -> dict[str, np.ndarray]:
    """What a layer computed, as copies; whatever is not an array is left out (its own tests judge it). `out` is
    forward's output as it was returned (`_as_returned`): a backward that writes into it is the backward contract
    test's business, not a difference between layers."""
    found = {"out": out, "dx": dx, **{f"d{k}": g for k, g in (getattr(layer, "grads", None) or {}).items()}}
    return {name: np.array(value, dtype=float) for name, value in found.items() if isinstance(value, np.ndarray)}


def _as_returned(out: Any) -> Any:
    """A copy of forward's output, taken before backward runs."""
    return out.copy() if isinstance(out, np.ndarray) else out


def _alone(impl: Implementation, case: LayerCase, seed: int) -> tuple[Any, dict, np.ndarray, dict[str, np.ndarray]]:
    """A fresh layer for `case` (parameters from `seed`), its parameters as built, its dout, and what it computes
    alone."""
    rng = np.random.default_rng(seed)
    setup = build(impl, case, rng)
    params = {k: v.copy() for k, v in setup.layer.params.items()}
    out = unusable_if_failing(lambda: call(setup.layer, "forward", setup.x.copy()))  # a fresh layer's first call
    returned = _as_returned(out)
    dout = inputs.gaussian(rng, setup.out_shape)
    dx = backward_after_forward(setup.layer, out, dout.copy())
    return setup, params, dout, _results(setup.layer, returned, dx)


@judged_where_possible
@remembers_case
def check_instances_independent(impl: Implementation, case: LayerCase) -> None:
    """Two live instances, and an instance called a second time, give what a fresh instance gives (whether or
    not that is right: the other tests judge the values)."""
    seeds = (case.seed, case.seed + 1, case.seed + 2)
    alone = [_alone(impl, case, seed) for seed in seeds]
    _repeatable(impl, case, alone[0][3])
    # The first two layers again, built fresh and run interleaved as in a network.
    runs = [build(impl, case, np.random.default_rng(seed)) for seed in seeds[:2]]
    for run, (_setup, params, _dout, _found) in zip(runs, alone):
        _set_params(run.layer, params)
    outs = [call(run.layer, "forward", run.x.copy()) for run in runs]
    returned_outs = [_as_returned(out) for out in outs]
    dxs: list[Any] = [None, None]
    for i in (1, 0):
        dxs[i] = backward_after_forward(runs[i].layer, outs[i], alone[i][2].copy())
    got = [_results(run.layer, out, dx) for run, out, dx in zip(runs, returned_outs, dxs)]
    cls = type(runs[0].layer).__name__
    if any(not _agrees(got[i], alone[i][3]) for i in (0, 1)):
        _twins_agree(impl, case, alone[0])
    for i, order in ((0, "first"), (1, "second")):
        _compare(got[i], alone[i][3], case,
                 f"two {cls} layers in one network interfere: the {order} one's {{name}} differs from what it computes "
                 f"alone (forward A, forward B, backward B, backward A)",
                 f"keep the cache and grads on `self`, set in __init__ or forward; an attribute assigned in the class "
                 f"body (`cache = {{}}`, `saved = []`), a mutable default argument (`def forward(self, x, "
                 f"cache={{}})`) or a module-level buffer or dict is one object shared by every {cls}")
    # The first layer once more, on the third layer's input and parameters: a second call must forget the first,
    # and leave alone the arrays the first call returned (a network still holds them).
    returned = {name: (value, value.copy()) for name, value in (("out", outs[0]), ("dx", dxs[0]))
                if isinstance(value, np.ndarray)}
    layer, (third, params, dout, want) = runs[0].layer, alone[2]
    _set_params(layer, params)
    batch = third.x.copy()  # kept: the next check writes a new batch into this same array
    out = call(layer, "forward", batch)
    out_returned = _as_returned(out)
    dx = call(layer, "backward", dout.copy())
    for name, (array, before) in returned.items():
        if not np.array_equal(array, before, equal_nan=True):
            method = "forward" if name == "out" else "backward"
            raise CheckFailure(
                f"the {name} that {cls}.{method} returned changed when it was called again: it hands out the same "
                f"buffer every call\n  hint: return a new array from every call (a network keeps each layer's "
                f"output until backward), e.g. np.zeros(...) inside {method}, not one allocated once\n  case: {case}",
                tensor=name, hint="shared_state")
    again = _results(layer, out_returned, dx)
    summed = [name for name, value in again.items()
              if name in want and got[0].get(name) is not None and name not in ("out", "dx")
              and value.shape == want[name].shape and not np.allclose(value, want[name])
              and np.allclose(value, want[name] + got[0][name], rtol=1e-8)]
    if summed:
        keys = " and ".join(f"grads[{name[1:]!r}]" for name in summed)
        raise CheckFailure(
            f"{cls}.backward adds to {keys} instead of setting {'them' if len(summed) > 1 else 'it'}: after a second "
            f"call {'they hold' if len(summed) > 1 else 'it holds'} the sum of both calls' gradients\n  hint: write "
            f"`self.grads[{summed[0][1:]!r}] = ...` (or fill it with [...] = ), never `+=` across calls\n  case: {case}",
            tensor=summed[0], hint="accumulate")
    try:
        _compare(again, want, case,
                 f"a {cls} called a second time (a new input, new parameter values) gives another {{name}} than a "
                 f"fresh {cls} does on that input",
                 "compute the cache again on every forward call (not only when it is empty), and read "
                 "self.params[...] each time: a network calls each layer once per batch")
    except CheckFailure as failure:
        _drifts(impl, case, failure.tensor)
        raise
    _same_array_new_values(layer, batch, case, alone[1])
    _another_shape(impl, case, layer, third.x.shape)


def _same_array_new_values(layer: Any, batch: np.ndarray, case: LayerCase,
                           other: tuple[Any, dict, np.ndarray, dict[str, np.ndarray]]) -> None:
    """`layer`, right on a second call, given the array of that call again with another batch written into it (a
    data loader that reuses one buffer does this) computes what a fresh layer computes on the new values: only
    forward is compared (a backward after the caller changed x may legitimately read the changed x)."""
    setup, params, _dout, want = other
    fresh = want.get("out")
    if fresh is None or batch.shape != setup.x.shape:
        return
    _set_params(layer, params)
    batch[...] = setup.x
    out = call(layer, "forward", batch)
    if isinstance(out, np.ndarray) and out.shape == fresh.shape and _close(out, fresh):
        return
    cls = type(layer).__name__
    raise CheckFailure(
        f"a {cls} called again on the same array object, with a new batch written into it, gives another out than a "
        f"fresh {cls} does on those values (a call with a new array agrees)\n  hint: compute from x's values on every "
        f"call; a result kept per input object (id(x), `x is self.last_x`) answers for the old values\n  case: {case}",
        tensor="out", hint="stale_cache")


def _another_shape(impl: Implementation, case: LayerCase, layer: Any, before: tuple[int, ...]) -> None:
    """`layer`, right on a second call of the same shape, called a third time on an input of another shape (a
    network's last batch, other images) computes what a fresh layer does on it."""
    other = another_size(case)
    if other == case:
        return
    try:
        setup, params, dout, want = _alone(impl, other, other.seed + 3)
    except CheckFailure:  # a fresh layer fails on that shape already: the shape and value tests say why
        return
    fresh = want.get("out")
    if fresh is None or fresh.shape != setup.out_shape:  # likewise
        return
    _set_params(layer, params)
    cls = type(layer).__name__
    what = (f"a {cls} called again on an input of shape {_shape(setup.x.shape)}, after one of shape {_shape(before)}, "
            f"gives another {{name}} than a fresh {cls} does on that input{{detail}}")
    hint = ("build what depends on x (index grids, output sizes, buffers, an argmax or mask) in every forward and "
            "backward, not once: a network's last batch is smaller, and other images have other sizes")
    out = call(layer, "forward", setup.x.copy())
    shape = getattr(out, "shape", None)
    if isinstance(shape, tuple) and shape != fresh.shape:  # its backward would be judged on a wrong shape
        detail = f": out has shape {_shape(shape)} where a fresh {cls} returns {_shape(fresh.shape)}"
        raise CheckFailure(f"{what.format(name='out', detail=detail)}\n  hint: {hint}\n  case: {other}",
                           tensor="out", hint="shared_state")
    out_returned = _as_returned(out)
    dx = call(layer, "backward", dout.copy())
    _compare(_results(layer, out_returned, dx), want, other, what.replace("{detail}", ""), hint)


def another_size(case: LayerCase) -> LayerCase:
    """The case on another input size, where the layer's spec says how (else the case itself)."""
    resize = getattr(spec_of(case), "another_size", None)
    return resize(case) if resize is not None else case


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ")"


def _agrees(got: dict[str, np.ndarray], want: dict[str, np.ndarray]) -> bool:
    return all(got.get(name) is not None and got[name].shape == value.shape
               and _close(got[name], value) for name, value in want.items())


def _twins_agree(impl: Implementation, case: LayerCase, alone: tuple[Any, dict, np.ndarray, dict]) -> None:
    """Two layers interfered: run the same network with two identical layers (same parameters, input and dout).

    Layers sharing a cache cannot tell identical twins apart, so the first one then computes what it does alone.
    If it still does not, the difference is within one layer (entries never written, random numbers), and a
    hint about shared state would send you to look for a mistake you did not make."""
    setup, params, dout, want = alone
    twins = [build(impl, case, np.random.default_rng(case.seed)) for _ in range(2)]
    for twin in twins:
        for key, value in params.items():
            _set_params(twin.layer, {key: value})
    outs = [_as_returned(call(twin.layer, "forward", twin.x.copy())) for twin in twins]
    dxs = [None, call(twins[1].layer, "backward", dout.copy())]
    dxs[0] = call(twins[0].layer, "backward", dout.copy())
    got = _results(twins[0].layer, outs[0], dxs[0])
    for name, value in want.items():
        mine = got.get(name)
        if mine is None or mine.shape != value.shape or not _close(mine, value):
            raise CheckFailure(
                f"a {type(twins[0].layer).__name__} gives another {name} in a network than alone, even beside an "
                f"identical layer (same parameters, input and dout): the difference is within one layer, not shared "
                f"between layers\n  hint: {hints.not_repeatable(name)}\n  case: {case}", tensor=name, hint="unwritten")


def _drifts(impl: Implementation, case: LayerCase, name: str) -> None:
    """A second call differed from a fresh layer: if one layer called twice on the very same input, parameters and
    dout already differs, the cause is state that every call changes (running statistics, a counter), not a
    cache kept from the first call, and the hint about caches would send you to code that is right."""
    setup = build(impl, case, np.random.default_rng(case.seed))
    dout = inputs.gaussian(np.random.default_rng(case.seed + 7), setup.out_shape)
    found = []
    for _ in range(2):
        out = _as_returned(call(setup.layer, "forward", setup.x.copy()))
        found.append(_results(setup.layer, out, call(setup.layer, "backward", dout.copy())))
    first, second = found
    if name in first and name in second and first[name].shape == second[name].shape and not _close(first[name],
                                                                                                  second[name]):
        cls = type(setup.layer).__name__
        raise CheckFailure(
            f"a {cls} called twice on the same input (same parameters and dout) gives another {name} the second time"
            f"\n  hint: {name} depends on something that changes with every call (running statistics, a counter, an "
            f"array updated in place): compute it from this call's input and parameters alone\n  case: {case}",
            tensor=name, hint="call_state")


def _repeatable(impl: Implementation, case: LayerCase, first: dict[str, np.ndarray]) -> None:
    """One fresh layer gives what another fresh layer gave on the same input: else nothing here is about sharing."""
    again = _alone(impl, case, case.seed)[3]
    for name, value in first.items():
        mine = again.get(name)
        if mine is None or mine.shape != value.shape or not _close(mine, value):
            cls = exercise_of_case(case).cls
            raise CheckFailure(
                f"one fresh {cls}, built and run the same way twice (same parameters, input and dout), gives two "
                f"different {name}s: the difference is within one layer, not between layers\n  hint: "
                f"{hints.not_repeatable(name)}\n  case: {case}",
                tensor=name, hint="unwritten")


def _compare(got: dict[str, np.ndarray], want: dict[str, np.ndarray], case: LayerCase, what: str, why: str) -> None:
    for name, expected in want.items():
        mine = got.get(name)
        if mine is None or mine.shape != expected.shape or not _close(mine, expected):
            raise CheckFailure(f"{what.format(name=name)}\n  hint: {why}\n  case: {case}", tensor=name,
                               hint="shared_state")
