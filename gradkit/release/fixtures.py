"""Write the forward-value fixtures (`checker/fixtures/*.npz`) from the reference solutions.

Run `python -m gradkit.release.fixtures` after changing an example or the reference; the
self-test `tests/selftest/test_fixtures_in_sync.py` fails while the stored files differ.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import numpy as np

from gradkit.checker.fixtures import FIXTURE_DIR, build_from_config
from gradkit.checker.specs import DEFAULT_COURSE, EXERCISES, spec
from gradkit.checker.impl import load_implementation
from gradkit.release.npz import save_if_changed

# Each spec's EXAMPLES: (x shape, or (N, K) for a loss; settings) per stored example, in the registry's order.
EXAMPLES: dict[str, list[tuple[tuple[int, ...], dict[str, int]]]] = {
    name: list(spec(name).EXAMPLES) for name in EXERCISES if hasattr(spec(name), "EXAMPLES")
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
        if spec(exercise).CONFIG_FIELDS:
            entries[f"{i}/config"] = np.array([config[k] for k in spec(exercise).CONFIG_FIELDS])
        own = getattr(spec(exercise), "stored_example", None)
        if own is not None:  # not a layer: the spec draws and computes its example
            entries.update({f"{i}/{name}": value for name, value in own(layer, shape, rng).items()})
            continue
        for key, value in layer.params.items():
            value[...] = rng.standard_normal(value.shape)
            entries[f"{i}/{key}"] = value.copy()
        x = rng.standard_normal(shape)
        entries[f"{i}/x"] = x
        entries[f"{i}/out"] = out = layer.forward(x.copy())
        stores_gradients = getattr(spec(exercise), "stores_gradients", None)
        if stores_gradients is not None and not stores_gradients(config):
            continue  # a mode whose backward the contract leaves open: the output alone
        entries[f"{i}/dout"] = dout = grad_rng.standard_normal(out.shape)
        entries[f"{i}/dx"] = layer.backward(dout.copy())
        entries.update({f"{i}/d{key}": grad.copy() for key, grad in layer.grads.items()})
    return entries


def generators(exercise: str) -> tuple[np.random.Generator, np.random.Generator]:
    """The generators of an exercise's examples: one for inputs and parameters, one for dout.

    Seeded by the exercise alone, so adding or moving an exercise in the registry changes no other exercise's
    examples (the original six keep the seeds of their place in the default course, 0 to 5)."""
    number = DEFAULT_COURSE.index(exercise) if exercise in DEFAULT_COURSE else 10_000 + zlib.crc32(exercise.encode())
    return np.random.default_rng(2026 + number), np.random.default_rng(3026 + number)


def write_fixtures(directory: Path = FIXTURE_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise in EXAMPLES:
        path = directory / f"{exercise}.npz"
        # the tolerance of tests/selftest/test_fixtures_in_sync.py: within it, a file is already in sync
        if save_if_changed(path, make_examples(exercise, *generators(exercise)), rtol=1e-12, atol=1e-14):
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write_fixtures():
        print(f"wrote {path}")
    sys.exit(0)
