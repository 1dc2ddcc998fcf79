"""Forward values and gradients checked against small fixed examples stored as data (`checker/fixtures/<exercise>.npz`).

The public tests ship expected outputs, never an algorithm a student could copy. The files are
written from the reference by `python -m gradkit.release.fixtures` and a self-test keeps them in
sync. Each example is stored under a prefix "<i>/": its settings ("config", integers), its
inputs and parameters, the expected output ("out", or "loss" for the loss), an upstream gradient
"dout" and the expected gradients for it ("dx", "dW", "db"; "dscores" for the loss).

The stored gradients let the kit tell which side is wrong. A finite-difference check differentiates
*your* forward: when your forward is wrong, a correct backward disagrees with it. So a gradient test
whose check fails looks here first: if your forward is wrong on the stored examples and your
gradient matches the stored one, the mistake is the forward's alone and only the forward test
charges it.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from gradkit.checker import forward_hints, hints
from gradkit.checker.contract import backward_after_forward, checked_forward
from gradkit.checker.hints import Hint
from gradkit.checker.textmaps import fmt_index, heat_map, spatial, yours_and
from gradkit.checker.guard import call
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure, NotImplementedYet
from gradkit.checker.specs import EXERCISES, spec

FIXTURE_DIR = Path(__file__).with_name("fixtures")

def load_examples(exercise: str) -> list[dict[str, np.ndarray]]:
    """The stored examples of one exercise, each a dict of arrays (the caller's own copies)."""
    path = FIXTURE_DIR / f"{exercise}.npz"
    stat = path.stat()
    return [{name: array.copy() for name, array in example.items()}
            for example in _read_examples(path, stat.st_mtime_ns, stat.st_size)]


@functools.lru_cache(maxsize=32)
def _read_examples(path: Path, mtime_ns: int, size: int) -> list[dict[str, np.ndarray]]:
    # Read once per file version: a graded run asks for an exercise's examples hundreds of times (each judged case
    # asks whether the forward is right on them), and parsing an .npz costs a millisecond per array.
    with np.load(path) as data:
        grouped: dict[int, dict[str, np.ndarray]] = {}
        for key in data.files:
            index, name = key.split("/")
            grouped.setdefault(int(index), {})[name] = data[key]
    return [grouped[i] for i in sorted(grouped)]


def describe(exercise: str, example: dict[str, np.ndarray]) -> str:
    config = config_of(exercise, example)
    settings = ", ".join(f"{k}={v}" for k, v in config.items())
    name = _input_name(exercise)
    return f"{name} of shape {example[name].shape}" + (f", {settings}" if settings else "")


def config_of(exercise: str, example: dict[str, np.ndarray]) -> dict[str, int]:
    """An example's settings by name (the spec's `CONFIG_FIELDS`)."""
    return dict(zip(spec(exercise).CONFIG_FIELDS, (int(v) for v in example.get("config", ()))))


def _input_name(exercise: str) -> str:
    """What a stored example calls the input: "x" for a layer, or the spec's `INPUT` (a loss's "scores")."""
    return getattr(spec(exercise), "INPUT", "x")


def build_from_config(impl: Implementation, exercise: str, config: dict[str, int]) -> Any:
    """A student layer built with an example's settings (the same calls as the graded checks)."""
    return spec(exercise).build_from_config(impl, config)


def _formula(exercise: str, config: dict[str, int], x_shape: tuple[int, ...]) -> str:
    """The output-shape formula for an example, in the same words as the graded checks."""
    return spec(exercise).formula(config, x_shape)


def _forward_hint(impl: Implementation, exercise: str, config: dict[str, int], example: dict[str, np.ndarray],
                  layer: Any, out: np.ndarray, expected: np.ndarray) -> Hint | None:
    """An exact pattern in your output first (`forward_hints`), then the spec's own exact counterfactuals (its
    `forward_hint`: for a convolution, the feature that makes it right when split away)."""
    bias = getattr(layer, "params", {}).get("b")
    if isinstance(bias, np.ndarray) and out.ndim >= 2 and bias.size == out.shape[1] and np.any(bias):
        found = forward_hints.bias_multiple(out, expected, bias.reshape((1, -1) + (1,) * (out.ndim - 2)))
        if found is not None:
            return found
    found = (forward_hints.layout(out, expected) or forward_hints.clipped_at_zero(out, expected)
             or forward_hints.rounded(out, expected) or forward_hints.last_row_or_column(out, expected)
             or forward_hints.first_example_everywhere(out, expected)
             or hints.ratio(out, expected, "output"))
    scale = getattr(spec(exercise), "forward_scale_hint", None)
    if found is not None and found.id == "scale" and scale is not None:
        ratio = float(np.sum(out * expected) / np.sum(expected * expected))
        found = scale(config, example["x"].shape, ratio) or found
    own = getattr(spec(exercise), "forward_hint", None)
    if found is None and own is not None:
        found = own(impl, config, example)
    return found


def check_forward_examples(impl: Implementation, exercise: str, explain: bool = True) -> None:
    """Every stored example's forward output matches the stored one (to 1e-9, relative to its size). An exercise
    that is not a layer (a loss) judges its own outputs: its spec's `check_stored_outputs`.

    When several examples fail, the smallest one is reported, with whether your backward is right there
    (`explain=False` skips that, for a quick verdict).
    """
    examples = load_examples(exercise)
    own = getattr(spec(exercise), "check_stored_outputs", None)
    if own is not None:
        numbered = [(f"fixed example {n} ({describe(exercise, e)})", e) for n, e in enumerate(examples, start=1)]
        own(impl, numbered, (lambda example: _backward_verdict(impl, exercise, example)) if explain else None)
    else:
        _check_layer_examples(impl, exercise, examples, explain)
    if getattr(impl, "reference", None) is not None:
        check_fresh_examples(impl, exercise, np.random.default_rng())


def _check_layer_examples(impl: Implementation, exercise: str, examples: list[dict[str, np.ndarray]],
                          explain: bool) -> None:
    failures, passed, failed = [], [], []  # the settings of examples that pass and fail, for a pattern
    for number, example in enumerate(examples, start=1):
        config = config_of(exercise, example)
        layer = _example_layer(impl, exercise, example)
        what = f"fixed example {number} ({describe(exercise, example)})"
        expected = example["out"]
        out = checked_forward(layer, example["x"], expected.shape, _formula(exercise, config, example["x"].shape),
                              keep_input=False)
        wrong = ~np.isclose(out, expected, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(expected).max()))
        if wrong.any():
            worst = np.unravel_index(np.argmax(np.abs(out - expected)), out.shape)
            lines = [f"{type(layer).__name__}.forward gives wrong values on {what}",
                     f"  {int(wrong.sum())} of {out.size} output entries differ; worst out[{fmt_index(worst)}]: "
                     f"{yours_and(out[worst], expected[worst])}"]
            error_map, axes = spatial(wrong.astype(float))
            if error_map.size > 1:
                lines.append(f"  which entries differ (darker = more of them{', ' + axes if axes else ''}):")
                lines += heat_map(error_map)
            hint = _forward_hint(impl, exercise, config, example, layer, out, expected) if explain else None
            if hint is not None:
                lines.append(f"  hint: {hint.text}")
            lines.append(_backward_verdict(impl, exercise, example) if explain else "")
            lines = [line for line in lines if line]
            failures.append((example["x"].size, CheckFailure("\n".join(lines), tensor="out",
                                                             hint=hint.id if hint else None)))
            failed.append(config)
        else:
            passed.append(config)
    if failures:
        failure = min(failures, key=lambda pair: pair[0])[1]
        if explain and passed and failed:
            _add_pattern(failure, failed, passed)
        raise failure


def check_fresh_examples(impl: Implementation, exercise: str, rng: np.random.Generator) -> None:
    """The stored examples' settings with fresh random values, against the trusted reference (`impl.reference`).

    The grade of record runs this after the stored examples: inputs no one can know in advance, so a forward
    that recognises the published examples gains nothing. A loss judges its own (its spec's
    `check_fresh_output`).
    """
    own = getattr(spec(exercise), "check_fresh_output", None)
    for number, example in enumerate(load_examples(exercise), start=1):
        what = f"a fresh random example with the settings of fixed example {number} ({describe(exercise, example)})"
        if own is not None:
            own(impl, what, example, rng)
            continue
        fresh = {key: rng.standard_normal(value.shape) for key, value in example.items()
                 if key not in ("config", "out", "dout") and not key.startswith("d")}
        config = {"config": example["config"]} if "config" in example else {}
        mine = _example_layer(impl, exercise, {**fresh, **config})
        theirs = _example_layer(impl.reference, exercise, {**fresh, **config})
        expected = checked_forward(theirs, fresh["x"], example["out"].shape, "")
        config_values = config_of(exercise, example)
        out = checked_forward(mine, fresh["x"], expected.shape, _formula(exercise, config_values, fresh["x"].shape))
        if not np.allclose(out, expected, rtol=1e-9, atol=1e-9 * max(1.0, float(np.abs(expected).max()))):
            worst = np.unravel_index(int(np.argmax(np.abs(out - expected))), out.shape)
            raise CheckFailure(f"{type(mine).__name__}.forward gives wrong values on {what}; worst out[{fmt_index(worst)}]:"
                               f" {yours_and(out[worst], expected[worst])}", tensor="out")


def _add_pattern(failure: CheckFailure, wrong: list[dict[str, int]], right: list[dict[str, int]]) -> None:
    """Say which settings the failing stored examples have, and which the passing ones.

    Only a line of facts: a setting shared by the few failing examples is weak evidence (they differ in more than
    that setting), so the hint comes from the exact patterns and counterfactuals of `_forward_hint` instead."""
    def settings(config: dict[str, int]) -> str:
        return ", ".join(f"{k}={v}" for k, v in config.items()) or "default settings"

    failure.message += (f"\n  right on {len(right)} stored example(s) ({'; '.join(map(settings, right))}), wrong on "
                        f"{len(wrong)} ({'; '.join(map(settings, wrong))})")


# ---------------------------------------------------------------- gradients on the stored examples

GRAD_RTOL = 1e-7  # of the largest stored entry; the reference's own round-off is below 1e-12

# Verdicts per implementation, so hypothesis' many examples of one test ask only once (student code is
# deterministic by contract). Weak keys: an implementation's verdicts go when it does.
_forward_verdicts: weakref.WeakKeyDictionary[Any, dict[str, bool]] = weakref.WeakKeyDictionary()


def _example_layer(impl: Implementation, exercise: str, example: dict[str, np.ndarray]) -> Any:
    config = config_of(exercise, example)
    layer = build_from_config(impl, exercise, config)
    for key, value in list(getattr(layer, "params", {}).items()):
        if isinstance(value, np.ndarray) and value.dtype != np.float64 and value.dtype.kind == "f":
            layer.params[key] = value.astype(np.float64)  # float32 parameters: the constructor's test charges that
        layer.params[key][...] = example[key]
    return layer


def forward_is_right(impl: Implementation, exercise: str) -> bool:
    """Whether your forward reproduces every stored example (a crash or a wrong shape counts as wrong)."""
    verdicts = _forward_verdicts.setdefault(impl, {})
    if exercise not in verdicts:
        try:
            check_forward_examples(impl, exercise, explain=False)
            verdicts[exercise] = True
        except NotImplementedYet:
            raise
        except CheckFailure:
            verdicts[exercise] = False
    return verdicts[exercise]


def behind_the_forward(impl: Implementation, exercise: str, check: Callable[..., None], *args: Any) -> None:
    """`check(impl, *args)`, a check of backward; a failure it marks `follows_forward` (backward did what a right one
    does with what your forward computed) passes when your forward is wrong on the stored examples: one mistake,
    charged once, by the forward test."""
    try:
        check(impl, *args)
    except CheckFailure as failure:
        if failure.follows_forward and not forward_is_right(impl, exercise):
            return
        raise


def once_forward_is_right(impl: Implementation, exercise: str, what: str, check: Callable[..., None],
                          *args: Any) -> None:
    """`check(impl, *args)`, a property of the forward's values (`what`), judged once your forward is right on the
    stored examples; before that the test fails saying so (it never scores what it has not judged)."""
    if not forward_is_right(impl, exercise):
        raise CheckFailure(f"{EXERCISES[exercise].cls}: {what} could not be judged yet: "
                           "your forward is wrong on the stored examples (see the forward test)\n  hint: fix that "
                           "first; this test then judges the rest", tensor=getattr(spec(exercise), "OUTPUT", "out"))
    check(impl, *args)


def stored_gradient_mismatch(impl: Implementation, exercise: str, tensor: str,
                             example: dict[str, np.ndarray], number: int) -> str | None:
    """None if your `tensor` ("dx", "dW", "db", "dscores") equals the stored one on this example, else why not.

    Your forward runs first (its output is not used: it only fills your cache), then your backward with
    the stored dout. An example that stores no `tensor` (one of a mode whose backward the contract leaves open, the
    spec's `stores_gradients`) has nothing to compare: None.
    """
    if tensor not in example:
        return None
    layer = _example_layer(impl, exercise, example)
    what = f"fixed example {number} ({describe(exercise, example)})"
    own = getattr(spec(exercise), "stored_gradient", None)
    if own is not None:  # not a layer: the spec runs it (a loss: forward on scores and labels, then backward)
        mine = own(layer, example)
    else:
        try:
            out = call(layer, "forward", example["x"].copy())
        except CheckFailure as raised:  # a backward behind a forward that cannot run: unjudged, as below
            raised.unusable_forward = True
            raise
        if getattr(out, "shape", None) != example["dout"].shape:  # a backward behind an unusable forward: unjudged
            unusable = CheckFailure(f"on {what} your forward's output has shape {getattr(out, 'shape', None)}, "
                                    f"expected {example['dout'].shape}", tensor="shape", hint="shape")
            unusable.unusable_forward = True
            raise unusable
        returned = backward_after_forward(layer, out, example["dout"].copy())
        mine = returned if tensor == "dx" else getattr(layer, "grads", {}).get(tensor[1:])
    want = example[tensor]
    if not isinstance(mine, np.ndarray) or mine.shape != want.shape:
        shape = getattr(mine, "shape", type(mine).__name__)
        return f"on {what} your {tensor} has shape {shape}, expected {want.shape}"
    err = np.abs(mine.astype(np.float64) - want)
    if float(err.max(initial=0)) <= GRAD_RTOL * max(float(np.abs(want).max(initial=0)), 1e-12):
        return None
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    return (f"on {what} {int(np.count_nonzero(err > GRAD_RTOL * np.abs(want).max()))} of {err.size} entries of "
            f"your {tensor} differ from the correct gradient; worst {tensor}[{fmt_index(worst)}]: yours "
            f"{float(mine[worst]):+.6g}, correct {float(want[worst]):+.6g}")


def stored_gradient_failure(impl: Implementation, exercise: str, tensor: str) -> str | None:
    """None if your `tensor` matches the stored gradient on every example, else why not (the smallest example)."""
    for number, example in sorted(enumerate(load_examples(exercise), start=1), key=lambda e: e[1][_input_name(exercise)].size):
        why = stored_gradient_mismatch(impl, exercise, tensor, example, number)
        if why is not None:
            return why
    return None


def _backward_verdict(impl: Implementation, exercise: str, example: dict[str, np.ndarray]) -> str:
    """A line saying whether your backward is right on this example, so you fix the right method."""
    right, wrong = [], []
    stored = [name for name in example if name.startswith("d") and name != "dout"]  # dx, dW, db; dscores for a loss
    if not stored:
        return ""  # an example of a mode whose backward the contract leaves open
    for name in stored:
        try:
            mismatch = stored_gradient_mismatch(impl, exercise, name, example, 0)
        except CheckFailure:
            return ""
        (right if mismatch is None else wrong).append(name)
    if not wrong:
        loss = getattr(spec(exercise), "OUTPUT", "forward")
        return (f"  your backward is right: {', '.join(right)} match{'es' if len(right) == 1 else ''} the gradient "
                f"of the correct {loss} on this example; only forward needs fixing")
    return ""
