"""Write the forward-value fixtures (`checker/fixtures/*.npz`) from the reference solutions.

Run `python -m gradkit.release.fixtures` after changing an example or the reference; the
self-test `tests/selftest/test_fixtures_in_sync.py` fails while the stored files differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from gradkit.checker.fixtures import CONFIG_FIELDS, FIXTURE_DIR, build_from_config
from gradkit.checker.impl import load_implementation

# (x shape or (N, K) for the loss, settings) per example; chosen to cover padding, strides that
# do not divide, non-square kernels and images, C != F, overlapping pooling windows.
EXAMPLES: dict[str, list[tuple[tuple[int, ...], dict[str, int]]]] = {
    "conv": [
        ((2, 3, 5, 4), dict(C=3, F=2, KH=3, KW=3, stride=1, padding=1)),
        ((1, 2, 7, 6), dict(C=2, F=3, KH=3, KW=2, stride=2, padding=1)),
        ((2, 1, 4, 4), dict(C=1, F=1, KH=1, KW=1, stride=1, padding=0)),
        ((1, 2, 5, 5), dict(C=2, F=2, KH=2, KW=3, stride=3, padding=2)),
    ],
    "pool": [
        ((2, 2, 4, 4), dict(KH=2, KW=2, stride=2)),
        ((1, 2, 5, 7), dict(KH=3, KW=3, stride=2)),
        ((2, 1, 5, 4), dict(KH=2, KW=3, stride=1)),
        ((1, 1, 6, 6), dict(KH=3, KW=3, stride=3)),
    ],
    "relu": [((3, 4), {}), ((2, 3, 4, 5), {})],
    "linear": [((4, 5), dict(D=5, M=3)), ((1, 3), dict(D=3, M=1))],
    "softmax_ce": [((4, 5), {}), ((1, 3), {}), ((6, 10), {})],
}


def make_examples(exercise: str, rng: np.random.Generator, grad_rng: np.random.Generator) -> dict[str, np.ndarray]:
    """All examples of one exercise as flat npz entries "<i>/<name>", outputs and gradients from the reference.

    Beside the output, each example stores an upstream gradient "dout" (drawn from `grad_rng`, so adding
    gradients left the stored inputs as they were) and the reference's gradients for it ("dx", "dW", ...;
    "dscores" for the loss): a gradient test can then judge a backward pass even when the forward is wrong.
    """
    reference = load_implementation("solutions")
    entries: dict[str, np.ndarray] = {}
    for i, (shape, config) in enumerate(EXAMPLES[exercise]):
        layer = build_from_config(reference, exercise, config)
        if CONFIG_FIELDS[exercise]:
            entries[f"{i}/config"] = np.array([config[k] for k in CONFIG_FIELDS[exercise]])
        if exercise == "softmax_ce":
            scores, y = 2.0 * rng.standard_normal(shape), rng.integers(0, shape[1], size=shape[0])
            entries.update({f"{i}/scores": scores, f"{i}/y": y, f"{i}/loss": np.array(layer.forward(scores, y))})
            entries[f"{i}/dscores"] = layer.backward()
            continue
        for key, value in layer.params.items():
            value[...] = rng.standard_normal(value.shape)
            entries[f"{i}/{key}"] = value.copy()
        x = rng.standard_normal(shape)
        entries[f"{i}/x"] = x
        entries[f"{i}/out"] = out = layer.forward(x.copy())
        entries[f"{i}/dout"] = dout = grad_rng.standard_normal(out.shape)
        entries[f"{i}/dx"] = layer.backward(dout.copy())
        entries.update({f"{i}/d{key}": grad.copy() for key, grad in layer.grads.items()})
    return entries


def generators(number: int) -> tuple[np.random.Generator, np.random.Generator]:
    """The generators of the `number`-th exercise's examples: one for inputs and parameters, one for dout."""
    return np.random.default_rng(2026 + number), np.random.default_rng(3026 + number)


def write_fixtures(directory: Path = FIXTURE_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for number, exercise in enumerate(EXAMPLES):
        path = directory / f"{exercise}.npz"
        np.savez_compressed(path, **make_examples(exercise, *generators(number)))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_fixtures():
        print(f"wrote {path}")
    sys.exit(0)
