"""Known-bug fingerprints: is your wrong gradient exactly what a known mistake produces?

The kit's catalogue of buggy implementations (`tests/bugs/`, never released: each contains the
reference) is run on a few fixed probe cases per exercise, and what each bug gets wrong is stored
as data (`checker/fingerprints/<exercise>.npz` and `explanations.json`), written by
`python -m gradkit.release.fingerprints`. After a failed check, your implementation runs on the
same probe cases; if its wrong tensor equals a bug's on every probe case, that bug's explanation
is printed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from gradkit.checker.cases import ConvCase, LinearCase, PoolCase, ReluCase, SoftmaxCase
from gradkit.checker.guard import construct
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure
from gradkit.checker.setups import evaluate

FINGERPRINT_DIR = Path(__file__).with_name("fingerprints")

PROBE_CASES: dict[str, list[object]] = {
    "conv": [ConvCase(N=2, C=2, F=3, H=5, W=4, KH=3, KW=2, stride=2, padding=1, seed=101),
             ConvCase(N=2, C=2, F=2, H=4, W=5, KH=2, KW=3, stride=1, padding=0, seed=102)],
    "pool": [PoolCase(N=2, C=2, H=5, W=6, KH=3, KW=2, stride=1, seed=103),
             PoolCase(N=2, C=1, H=6, W=6, KH=2, KW=2, stride=2, seed=104)],
    "relu": [ReluCase(shape=(3, 5), seed=105), ReluCase(shape=(2, 2, 3, 3), seed=106)],
    "linear": [LinearCase(N=3, D=4, M=5, seed=107), LinearCase(N=2, D=3, M=3, seed=108)],
    "softmax_ce": [SoftmaxCase(N=4, K=5, seed=109), SoftmaxCase(N=3, K=3, seed=110)],
}


class KnownBug(NamedTuple):
    name: str
    hint: str | None
    explanation: str


def tensors_on(impl: Implementation, case: object) -> dict[str, np.ndarray]:
    """What an implementation computes on a probe case: out (or loss) and every gradient."""
    rng = np.random.default_rng(case.seed)
    if isinstance(case, SoftmaxCase):
        from gradkit.checker.softmax import checked_dscores, checked_loss, make_scores

        scores, y = make_scores(case, rng)
        loss_fn = construct(impl.SoftmaxCrossEntropy)
        loss = checked_loss(loss_fn, scores, y)
        return {"loss": np.array(loss), "dscores": checked_dscores(loss_fn, scores)}
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


def match(impl: Implementation, exercise: str, tensor: str) -> KnownBug | None:
    """The known bug whose `tensor` ("dx", "dW", ...) equals yours on every probe case, if any.

    GRADKIT_FINGERPRINTS=0 turns matching off (to measure what the patterns alone find).
    """
    if os.environ.get("GRADKIT_FINGERPRINTS") == "0":
        return None
    stored, bugs = load(exercise)
    candidates = {bug: entries for bug, entries in stored.items()
                  if any(key.endswith(f"/{tensor}") for key in entries)}
    if not candidates:
        return None
    yours = []
    for case in PROBE_CASES[exercise]:
        try:
            yours.append(tensors_on(impl, case))
        except CheckFailure:
            return None
    for bug, entries in sorted(candidates.items()):
        keys = [(int(k.split("/")[0]), k) for k in entries if k.endswith(f"/{tensor}")]
        if all(_same(yours[i][tensor], entries[k]) for i, k in keys):
            return bugs.get(bug)
    return None


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    scale = max(float(np.abs(b).max(initial=0)), 1e-12)
    return a.shape == b.shape and float(np.abs(a - b).max(initial=0)) <= 1e-8 * scale
