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

import weakref
from pathlib import Path
from typing import Any

import numpy as np

from gradkit.checker import forward_hints, hints
from gradkit.checker.contract import backward_after_forward, checked_forward
from gradkit.checker.hints import Hint
from gradkit.checker.textmaps import fmt_index, heat_map, spatial
from gradkit.checker.guard import call
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure, NotImplementedYet
from gradkit.checker.specs import EXERCISES, spec

FIXTURE_DIR = Path(__file__).with_name("fixtures")

def load_examples(exercise: str) -> list[dict[str, np.ndarray]]:
    """The stored examples of one exercise, each a dict of arrays."""
    with np.load(FIXTURE_DIR / f"{exercise}.npz") as data:
        grouped: dict[int, dict[str, np.ndarray]] = {}
        for key in data.files:
            index, name = key.split("/")
            grouped.setdefault(int(index), {})[name] = data[key]
    return [grouped[i] for i in sorted(grouped)]


def describe(exercise: str, example: dict[str, np.ndarray]) -> str:
    config = config_of(exercise, example)
    settings = ", ".join(f"{k}={v}" for k, v in config.items())
    name = "x" if "x" in example else "scores"
    return f"{name} of shape {example[name].shape}" + (f", {settings}" if settings else "")


def config_of(exercise: str, example: dict[str, np.ndarray]) -> dict[str, int]:
    """An example's settings by name (the spec's `CONFIG_FIELDS`)."""
    return dict(zip(spec(exercise).CONFIG_FIELDS, (int(v) for v in example.get("config", ()))))


def _is_loss(exercise: str) -> bool:
    """A loss (its examples hold scores, labels and the loss) rather than a layer (x, parameters and out)."""
    return hasattr(spec(exercise), "checked_loss")


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
    if bias is not None and out.ndim >= 2:
        shaped = bias.reshape((1, -1) + (1,) * (out.ndim - 2))
        if np.allclose(out + shaped, expected, rtol=1e-9, atol=1e-9):
            return Hint("bias", "your output is exactly the expected one minus b: add the bias b[f] to every "
                                "output of filter f")
    found = (forward_hints.layout(out, expected) or forward_hints.clipped_at_zero(out, expected)
             or hints.ratio(out, expected, "output"))
    own = getattr(spec(exercise), "forward_hint", None)
    if found is None and own is not None:
        found = own(impl, config, example)
    return found


def check_forward_examples(impl: Implementation, exercise: str, explain: bool = True) -> None:
    """Every stored example's forward output matches the stored one (to 1e-9, relative to its size; a loss to
    1e-6 relative, allowing an epsilon in the log: the spec's `loss_is_right`).

    When several examples fail, the smallest one is reported, with whether your backward is right there
    (`explain=False` skips that, for a quick verdict).
    """
    failures, passed, failed = [], [], []  # the settings of layer examples that pass and fail, for a pattern
    losses: list[tuple[float, float, int, int]] = []  # (yours, expected, N, K) of each loss example
    for number, example in enumerate(load_examples(exercise), start=1):
        config = config_of(exercise, example)
        layer = build_from_config(impl, exercise, config)
        what = f"fixed example {number} ({describe(exercise, example)})"
        if _is_loss(exercise):
            loss = spec(exercise).checked_loss(layer, example["scores"], example["y"])
            expected = float(example["loss"])
            losses.append((loss, expected, *example["scores"].shape))
            if not spec(exercise).loss_is_right(loss, example["scores"], example["y"]):
                explain_loss = getattr(spec(exercise), "loss_hint", None)
                hint = explain_loss(loss, example["scores"], example["y"]) if explain and explain_loss else None
                lines = [f"{EXERCISES[exercise].cls}.forward gives the wrong loss on {what}: yours {loss:.10g}, "
                         f"expected {expected:.10g} ({_how_far(loss, expected)}); the loss is the mean over the "
                         "batch of -log softmax(scores)[n, y[n]]"]
                if hint is not None:
                    lines.append(f"  hint: {hint.text}")
                lines.append(_backward_verdict(impl, exercise, example) if explain else "")
                failures.append((example["scores"].size, CheckFailure(
                    "\n".join(line for line in lines if line), tensor="loss", hint=hint.id if hint else None)))
            continue
        for key in getattr(layer, "params", {}):
            layer.params[key][...] = example[key]
        expected = example["out"]
        out = checked_forward(layer, example["x"], expected.shape, _formula(exercise, config, example["x"].shape),
                              keep_input=False)
        wrong = ~np.isclose(out, expected, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(expected).max()))
        if wrong.any():
            worst = np.unravel_index(np.argmax(np.abs(out - expected)), out.shape)
            lines = [f"{type(layer).__name__}.forward gives wrong values on {what}",
                     f"  {int(wrong.sum())} of {out.size} output entries differ; worst out[{fmt_index(worst)}]: "
                     f"yours {out[worst]:+.6g}, expected {expected[worst]:+.6g}"]
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
        factor = _loss_factor(losses) if failure.hint is None else None
        if factor is not None:
            failure.message += f"\n  hint: {factor.text}"
            failure.hint = factor.id
        raise failure
    if getattr(impl, "reference", None) is not None:
        check_fresh_examples(impl, exercise, np.random.default_rng())


def check_fresh_examples(impl: Implementation, exercise: str, rng: np.random.Generator) -> None:
    """The stored examples' settings with fresh random values, against the trusted reference (`impl.reference`).

    The grade of record runs this after the stored examples: inputs no one can know in advance, so a forward
    that recognises the published examples gains nothing.
    """
    for number, example in enumerate(load_examples(exercise), start=1):
        what = f"a fresh random example with the settings of fixed example {number} ({describe(exercise, example)})"
        if _is_loss(exercise):
            scores = 2.0 * rng.standard_normal(example["scores"].shape)
            y = rng.integers(0, scores.shape[1], size=scores.shape[0])
            loss = spec(exercise).checked_loss(build_from_config(impl, exercise, {}), scores, y)
            if not spec(exercise).loss_is_right(loss, scores, y):
                raise CheckFailure(f"{EXERCISES[exercise].cls}.forward gives the wrong loss on {what}: yours {loss:.10g}",
                                   tensor="loss")
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
                               f" yours {out[worst]:+.6g}, expected {expected[worst]:+.6g}", tensor="out")


def _add_pattern(failure: CheckFailure, wrong: list[dict[str, int]], right: list[dict[str, int]]) -> None:
    """Say which settings the failing stored examples have, and which the passing ones.

    Only a line of facts: a setting shared by the few failing examples is weak evidence (they differ in more than
    that setting), so the hint comes from the exact patterns and counterfactuals of `_forward_hint` instead."""
    def settings(config: dict[str, int]) -> str:
        return ", ".join(f"{k}={v}" for k, v in config.items()) or "default settings"

    failure.message += (f"\n  right on {len(right)} stored example(s) ({'; '.join(map(settings, right))}), wrong on "
                        f"{len(wrong)} ({'; '.join(map(settings, wrong))})")


def _loss_factor(losses: list[tuple[float, float, int, int]]) -> Hint | None:
    """A factor that relates your loss to the true one on every stored example, named when it means something."""
    if not losses or all(abs(mine - want) <= 1e-6 * max(1.0, abs(want)) for mine, want, _, _ in losses):
        return None
    ratios = np.array([mine / want for mine, want, _, _ in losses])
    for factor, why in [(-1.0, "the sign is flipped: the loss is -log of the probability, a positive number"),
                        (lambda N, K: N, "it is summed over the batch: average it over the N rows (.mean())"),
                        (lambda N, K: 1 / K, "it is divided by the number of classes K: average over the N rows only"),
                        (lambda N, K: N / K, "it is divided by the number of classes K instead of the batch size N"),
                        (lambda N, K: 1 / (N * K), "it is averaged over all N*K entries: average over the N rows only")]:
        wanted = np.array([factor(N, K) if callable(factor) else factor for _, _, N, K in losses])
        if np.allclose(ratios, wanted, rtol=1e-6):
            return Hint("sign" if factor == -1.0 else "scale", f"on every stored example your loss is the true one "
                                                               f"times {np.array2string(wanted, precision=3)}: {why}")
    if np.allclose(ratios, ratios[0], rtol=1e-6):
        return Hint("scale", f"on every stored example your loss is {ratios[0]:.4g} x the true one: a missing or extra "
                             "constant factor")
    return None


def _how_far(yours: float, expected: float) -> str:
    """"ratio 0.3333" when the two differ by a factor, else the difference, with enough digits to see it."""
    if expected and abs(yours / expected - 1) > 1e-3:
        return f"ratio {yours / expected:.4g}"
    return f"off by {yours - expected:+.3g}, relative {abs(yours - expected) / max(abs(expected), 1e-300):.1e}"


# ---------------------------------------------------------------- gradients on the stored examples

GRAD_RTOL = 1e-7  # of the largest stored entry; the reference's own round-off is below 1e-12

# Verdicts per implementation, so hypothesis' many examples of one test ask only once (student code is
# deterministic by contract). Weak keys: an implementation's verdicts go when it does.
_forward_verdicts: weakref.WeakKeyDictionary[Any, dict[str, bool]] = weakref.WeakKeyDictionary()


def _example_layer(impl: Implementation, exercise: str, example: dict[str, np.ndarray]) -> Any:
    config = config_of(exercise, example)
    layer = build_from_config(impl, exercise, config)
    for key in getattr(layer, "params", {}):
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
    if _is_loss(exercise):
        call(layer, "forward", example["scores"].copy(), example["y"].copy())
        mine = spec(exercise).checked_dscores(layer, example["scores"])
    else:
        out = call(layer, "forward", example["x"].copy())
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
    for number, example in sorted(enumerate(load_examples(exercise), start=1), key=lambda e: _size(e[1])):
        why = stored_gradient_mismatch(impl, exercise, tensor, example, number)
        if why is not None:
            return why
    return None


def _size(example: dict[str, np.ndarray]) -> int:
    return int(example.get("x", example.get("scores")).size)


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
        loss = "loss" if _is_loss(exercise) else "forward"
        return (f"  your backward is right: {', '.join(right)} match{'es' if len(right) == 1 else ''} the gradient "
                f"of the correct {loss} on this example; only forward needs fixing")
    return ""
