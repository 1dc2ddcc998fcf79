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

from checker.contract import checked_forward
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


def check_forward_examples(impl: Implementation, exercise: str) -> None:
    """Every stored example's forward output matches the stored one (to 1e-9, relative to its size)."""
    for number, example in enumerate(load_examples(exercise), start=1):
        config = dict(zip(CONFIG_FIELDS[exercise], (int(v) for v in example.get("config", ()))))
        layer = build_from_config(impl, exercise, config)
        what = f"fixed example {number} ({describe(exercise, example)})"
        if exercise == "softmax_ce":
            loss = checked_loss(layer, example["scores"], example["y"])
            expected = float(example["loss"])
            if abs(loss - expected) > 1e-9 * max(1.0, abs(expected)):
                raise CheckFailure(f"SoftmaxCrossEntropy.forward gives the wrong loss on {what}: yours {loss:.6g}, "
                                   f"expected {expected:.6g} (ratio {loss / expected:.3g})", tensor="loss")
            continue
        for key in getattr(layer, "params", {}):
            layer.params[key][...] = example[key]
        expected = example["out"]
        formula = f"{expected.shape} (the stored example's output shape)"
        out = checked_forward(layer, example["x"], expected.shape, formula)
        wrong = ~np.isclose(out, expected, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(expected).max()))
        if wrong.any():
            worst = np.unravel_index(np.argmax(np.abs(out - expected)), out.shape)
            index = ",".join(str(int(i)) for i in worst)
            failure = CheckFailure(
                f"{type(layer).__name__}.forward gives wrong values on {what}\n"
                f"  {int(wrong.sum())} of {out.size} output entries differ; worst out[{index}]: "
                f"yours {out[worst]:+.6g}, expected {expected[worst]:+.6g}",
                tensor="out", details={"yours": out, "expected": expected},
            )
            raise failure
