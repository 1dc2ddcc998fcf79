"""Forward values checked against small fixed examples stored as data (`checker/fixtures/<exercise>.npz`).

The public tests ship expected outputs, never an algorithm a student could copy. The files are
written from the reference by `python -m gradkit.release.fixtures` and a self-test keeps them in
sync. Each example is stored under a prefix "<i>/": its settings ("config", integers), its
inputs and parameters, and the expected output ("out", or "loss" for the loss).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from checker import hints
from checker.cases import ConvCase, PoolCase
from checker.contract import checked_forward
from checker.hints import Hint
from checker.textmaps import fmt_index, heat_map, spatial
from checker.guard import construct
from checker.impl import Implementation
from checker.results import CheckFailure
from checker.softmax import checked_loss

FIXTURE_DIR = Path(__file__).with_name("fixtures")

# How each layer is built from an example's integer "config".
CONFIG_FIELDS = {
    "conv": ("C", "F", "KH", "KW", "stride", "padding"),
    "pool": ("KH", "KW", "stride"),
    "relu": (),
    "linear": ("D", "M"),
    "softmax_ce": (),
}


def load_examples(exercise: str) -> list[dict[str, np.ndarray]]:
    """The stored examples of one exercise, each a dict of arrays."""
    with np.load(FIXTURE_DIR / f"{exercise}.npz") as data:
        grouped: dict[int, dict[str, np.ndarray]] = {}
        for key in data.files:
            index, name = key.split("/")
            grouped.setdefault(int(index), {})[name] = data[key]
    return [grouped[i] for i in sorted(grouped)]


def describe(exercise: str, example: dict[str, np.ndarray]) -> str:
    config = dict(zip(CONFIG_FIELDS[exercise], (int(v) for v in example.get("config", ()))))
    settings = ", ".join(f"{k}={v}" for k, v in config.items())
    x = example.get("x", example.get("scores"))
    return f"x of shape {x.shape}" + (f", {settings}" if settings else "")


def build_from_config(impl: Implementation, exercise: str, config: dict[str, int]) -> Any:
    """A student layer built with an example's settings (the same calls as the graded checks)."""
    if exercise == "conv":
        return construct(impl.Conv2D, config["C"], config["F"], (config["KH"], config["KW"]), config["stride"],
                         config["padding"], rng=np.random.default_rng(0))
    if exercise == "pool":
        return construct(impl.MaxPool2D, (config["KH"], config["KW"]), config["stride"])
    if exercise == "relu":
        return construct(impl.ReLU)
    if exercise == "linear":
        return construct(impl.Linear, config["D"], config["M"], rng=np.random.default_rng(0))
    return construct(impl.SoftmaxCrossEntropy)


def _formula(exercise: str, config: dict[str, int], x_shape: tuple[int, ...]) -> str:
    """The output-shape formula for an example, in the same words as the graded checks."""
    if exercise == "conv":
        N, C, H, W = x_shape
        return ConvCase(N=N, C=C, F=config["F"], H=H, W=W, KH=config["KH"], KW=config["KW"], stride=config["stride"],
                        padding=config["padding"], seed=0).out_formula
    if exercise == "pool":
        N, C, H, W = x_shape
        return PoolCase(N=N, C=C, H=H, W=W, KH=config["KH"], KW=config["KW"], stride=config["stride"], seed=0).out_formula
    return "(N, out_features)" if exercise == "linear" else "the shape of x"


def _forward_hint(layer: Any, out: np.ndarray, expected: np.ndarray) -> Hint | None:
    bias = getattr(layer, "params", {}).get("b")
    if bias is not None and out.ndim >= 2:
        shaped = bias.reshape((1, -1) + (1,) * (out.ndim - 2))
        if np.allclose(out + shaped, expected, rtol=1e-9, atol=1e-9):
            return Hint("bias", "your output is exactly the expected one minus b: add the bias b[f] to every "
                                "output of filter f")
    return hints.ratio(out, expected, "output")


def check_forward_examples(impl: Implementation, exercise: str) -> None:
    """Every stored example's forward output matches the stored one (to 1e-9, relative to its size).

    When several examples fail, the smallest one is reported.
    """
    failures = []
    for number, example in enumerate(load_examples(exercise), start=1):
        config = dict(zip(CONFIG_FIELDS[exercise], (int(v) for v in example.get("config", ()))))
        layer = build_from_config(impl, exercise, config)
        what = f"fixed example {number} ({describe(exercise, example)})"
        if exercise == "softmax_ce":
            loss = checked_loss(layer, example["scores"], example["y"])
            expected = float(example["loss"])
            if abs(loss - expected) > 1e-9 * max(1.0, abs(expected)):
                hint = hints.ratio(np.array([loss, loss]), np.array([expected, expected]), "loss")
                failures.append((example["scores"].size, CheckFailure(
                    f"SoftmaxCrossEntropy.forward gives the wrong loss on {what}: yours {loss:.6g}, "
                    f"expected {expected:.6g} (ratio {loss / expected:.3g}); the loss is the mean over the batch of "
                    "-log softmax(scores)[n, y[n]]", tensor="loss", hint=hint.id if hint else None)))
            continue
        for key in getattr(layer, "params", {}):
            layer.params[key][...] = example[key]
        expected = example["out"]
        out = checked_forward(layer, example["x"], expected.shape, _formula(exercise, config, example["x"].shape))
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
            hint = _forward_hint(layer, out, expected)
            if hint is not None:
                lines.append(f"  hint: {hint.text}")
            failures.append((example["x"].size, CheckFailure("\n".join(lines), tensor="out",
                                                             hint=hint.id if hint else None)))
    if failures:
        raise min(failures, key=lambda pair: pair[0])[1]
