"""Write the known-bug fingerprints (`checker/fingerprints/`) from the catalogue in `tests/bugs/`.

For every catalogue entry, store each gradient the bug gets wrong on some probe case (compared with the
reference), and its forward's outputs, on every probe case; the bug's docstring headline becomes the explanation
a student sees on a match.
Run `python -m gradkit.release.fingerprints` after changing the catalogue; a self-test fails while
the stored files are out of date.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from gradkit.checker.fingerprints import FINGERPRINT_DIR, is_forward_output, probe_cases, tensors_on
from gradkit.checker.impl import load_implementation
from gradkit.checker.results import CheckFailure
from gradkit.release.catalogue import bug_files, explanation, read_expect, submission_with
from gradkit.release.npz import save_if_changed

def compute() -> tuple[dict[str, dict[str, np.ndarray]], dict[str, dict]]:
    reference = load_implementation("solutions")
    probes = probe_cases()
    truth = {e: [tensors_on(reference, c) for c in cases] for e, cases in probes.items()}
    per_exercise: dict[str, dict[str, np.ndarray]] = {e: {} for e in probes}
    explanations = {}
    for path in bug_files():
        _, expect = read_expect(path)
        headline = explanation(path)
        exercise = expect["exercise"]
        if exercise not in probes:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            impl = load_implementation(str(submission_with(path, exercise, Path(tmp))))
            found: dict[int, dict[str, np.ndarray]] = {}
            for i, case in enumerate(probes[exercise]):
                try:
                    found[i] = tensors_on(impl, case)
                except CheckFailure:  # kept as a fact: code that runs on this case is not this bug
                    per_exercise[exercise][f"{path.stem}/{i}/raised"] = np.ones(1)
        # A gradient the bug gets wrong on some probe case is stored on every case it ran on, right ones too: a
        # match then needs the same values everywhere, not only where this bug goes wrong (a global pool's
        # mistake must not be matched by code whose window pool is wrong as well).
        wrong = {name for i, tensors in found.items() for name, value in tensors.items()
                 if not is_forward_output(name) and not _close(value, truth[exercise][i][name])}
        # Its forward's outputs too, right or wrong: a match also needs the same forward (a bug whose forward and
        # backward divide by KH*KH must not be named for code whose backward alone does).
        forward = {name for tensors in found.values() for name in tensors if is_forward_output(name)}
        for i, tensors in found.items():
            for name in (wrong | forward) & set(tensors) if wrong else ():
                per_exercise[exercise][f"{path.stem}/{i}/{name}"] = tensors[name]
        if wrong:
            explanations[path.stem] = {"exercise": exercise, "hint": expect.get("hint"), "explanation": headline}
    return per_exercise, explanations


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and float(np.abs(a - b).max(initial=0)) <= 1e-8 * max(float(np.abs(b).max(initial=0)), 1e-12)


def write(directory: Path = FINGERPRINT_DIR) -> list[Path]:
    per_exercise, explanations = compute()
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise, entries in per_exercise.items():
        path = directory / f"{exercise}.npz"
        if save_if_changed(path, entries, rtol=1e-12, atol=1e-14):  # round-off alone is no change
            written.append(path)
    (directory / "explanations.json").write_text(json.dumps(explanations, indent=1, sort_keys=True) + "\n")
    return written + [directory / "explanations.json"]


if __name__ == "__main__":
    for p in write():
        print(f"wrote {p}")
    sys.exit(0)
