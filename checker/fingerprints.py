"""Known-bug fingerprints: is your wrong gradient exactly what a known mistake produces?

The kit's catalogue of buggy implementations (`tests/bugs/`, never released: each contains the
reference) is run on a few fixed probe cases per exercise, and each gradient a bug gets wrong is stored
as data, with the bug's forward outputs, on every probe case (`checker/fingerprints/<exercise>.npz` and
`explanations.json`), written by `python -m gradkit.release.fingerprints`. After a failed check, your
implementation runs on the same probe cases; if its wrong tensor and its forward equal a bug's on every probe
case, that bug's explanation is printed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure
from gradkit.checker.setups import evaluate
from gradkit.checker.specs import EXERCISES, spec, spec_of

FINGERPRINT_DIR = Path(__file__).with_name("fingerprints")

def probe_cases() -> dict[str, list[object]]:
    """{exercise: its fixed probe cases} (each spec's `PROBE_CASES`), for the exercises that have them."""
    return {name: list(spec(name).PROBE_CASES) for name in EXERCISES if hasattr(spec(name), "PROBE_CASES")}


class KnownBug(NamedTuple):
    name: str
    hint: str | None
    explanation: str


def tensors_on(impl: Implementation, case: object) -> dict[str, np.ndarray]:
    """What an implementation computes on a probe case: out (or loss) and every gradient."""
    own = getattr(spec_of(case), "tensors", None)
    if own is not None:  # not a layer: the spec computes its tensors
        return own(impl, case)
    run = evaluate(impl, case)
    out, dx, grads = run.out, run.dx, run.grads
    return {"out": out, "dx": dx, **{f"d{k}": g for k, g in grads.items()}}


def load(exercise: str) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, KnownBug]]:
    """({"<bug>/<case>/<tensor>" grouped by bug}, {bug: KnownBug}) for one exercise."""
    path = FINGERPRINT_DIR / f"{exercise}.npz"
    if not path.exists():
        return {}, {}
    explanations = json.loads((FINGERPRINT_DIR / "explanations.json").read_text())
    stored: dict[str, dict[str, np.ndarray]] = {}
    with np.load(path) as data:
        for key in data.files:
            bug, rest = key.split("/", 1)
            stored.setdefault(bug, {})[rest] = data[key]
    return stored, {name: KnownBug(name, e["hint"], e["explanation"]) for name, e in explanations.items()}


def is_forward_output(name: str) -> bool:
    """Whether a key of `tensors_on` is a forward output ("out", "loss"), not a gradient ("dx", "dW", ...)."""
    return not name.startswith("d")


def match(impl: Implementation, exercise: str, tensor: str) -> KnownBug | None:
    """The known bug whose `tensor` ("dx", "dW", ...) and forward outputs equal yours on every probe case, if any,
    and that raised on exactly the probe cases where yours raises (a bug seen on one case only may match code that
    differs elsewhere).

    GRADKIT_FINGERPRINTS=0 turns matching off (to measure what the patterns alone find).
    """
    if os.environ.get("GRADKIT_FINGERPRINTS") == "0":
        return None
    stored, bugs = load(exercise)
    candidates = {bug: entries for bug, entries in stored.items()
                  if any(key.endswith(f"/{tensor}") for key in entries)}
    if not candidates:
        return None
    yours: list[dict[str, np.ndarray] | None] = []
    for case in spec(exercise).PROBE_CASES:
        try:
            yours.append(tensors_on(impl, case))
        except CheckFailure:
            yours.append(None)  # raised here: only a bug that raised here too can be yours
    for bug, entries in sorted(candidates.items()):
        # the tensor asked about, and the forward's outputs (stored as facts: the same forward is part of a match)
        compared = [(int(case), name, entries[key]) for key in entries for case, name in [key.split("/")]
                    if name == tensor or (name != "raised" and is_forward_output(name))]
        raised = {int(k.split("/")[0]) for k in entries if k.endswith("/raised")}
        if all((yours[i] is None) == (i in raised) for i in range(len(yours))) and all(
                yours[i] is not None and name in yours[i] and _same(yours[i][name], stored)
                for i, name, stored in compared):
            return bugs.get(bug)
    return None


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(float(np.abs(b).max(initial=0)), 1e-12)
    return a.shape == b.shape and float(np.abs(a - b).max(initial=0)) <= 1e-8 * scale
