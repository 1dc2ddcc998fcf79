"""Grade a set of implementations the kit has never seen, and measure the grade and the feedback on them.

The catalogue in tests/bugs was written beside the checks and shares their blind spots. This script
grades material written by someone who saw only the README contract: single-exercise files listed in
a manifest (JSON list of {"file", "exercise", "correct", "tensors", "mistake", "set"}), each graded as
the reference with that one exercise replaced, and folders of six files (real projects' layer code
behind thin adapters).

    python benchmarks/bench_unseen.py --manifest DIR/manifest.json [--set holdout] [--jobs 2] [--out report.json]
    python benchmarks/bench_unseen.py --folders DIR/project_a DIR/project_b

It prints one line per file (score, failed tests, blamed tensors, hint ids) and totals: correct files at
full marks (false alarms otherwise), buggy files that lose points, and buggy files whose failures blame one
of the tensors the manifest says are wrong. `--out` keeps every message, for reading the feedback.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gradkit.checker.runner import run_suite  # noqa: E402
from gradkit.checker.scoring import totals  # noqa: E402
from gradkit.release.catalogue import course_including, submission_with  # noqa: E402

CHILD_ARGS = ("-p", "no:benchmark", "-p", "no:anyio", "-p", "no:xdist")
# What the manifest calls a wrong output, and the names the checker may report for it (None: any params[...]).
BLAME = {"out": {"out", "shape"}, "loss": {"loss"}, "init": {"init", "defaults"}, "params": None, "velocity": None,
         "grads": {"grads (mutated)", "dW", "db"}, "running": {"running_mean", "running_var"}}
# Kinds of mistake the checker names by kind rather than by tensor, and words of the manifest that say so.
KINDS = {"dtype": ("float64", "dtype", "float32", "int", "bool"), "shape": ("shape",),
         "defaults": ("default",), "x (mutated)": ("in place", "overwrit", "modif"),
         "dout (mutated)": ("in place", "overwrit", "modif"), "scores (mutated)": ("in place", "overwrit", "modif")}


def grade_one(entry: dict, root: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="gradkit-unseen-") as tmp:
        if "folder" in entry:
            folder, exercises = Path(entry["folder"]), None
        else:
            folder = submission_with(root / entry["file"], entry["exercise"], Path(tmp) / "submission")
            exercises = [entry["exercise"]]
        run = run_suite(str(folder), exercises, extra=CHILD_ARGS, timeout=600,
                        course=course_including(exercises or []), fork=True)
    scores = totals(run.outcomes)
    failed = [o for o in run.outcomes if not o.passed]
    return {
        **entry,
        "score": sum(s for s, _ in scores.values()), "max": sum(m for _, m in scores.values()),
        "per_exercise": {e: f"{s:g}/{m:g}" for e, (s, m) in scores.items()},
        "failed": [{"exercise": o.exercise, "test": o.short_name, "tensor": o.tensor, "hint": o.hint,
                    "message": o.message} for o in failed],
    }


def blamed_right(result: dict) -> bool | None:
    """Whether some failure blames a tensor the manifest lists as wrong, or names the kind of mistake its
    sentence describes (None when it lists nothing)."""
    wanted: set[str] = set()
    for tensor in result.get("tensors", []):
        names = BLAME.get(tensor, {tensor})
        if names is None:
            wanted.add("params")
        else:
            wanted |= names
    mistake = (result.get("mistake") or "").lower()
    wanted |= {kind for kind, words in KINDS.items() if any(word in mistake for word in words)}
    if not wanted:
        return None
    return any(f["tensor"] in wanted or ("params" in wanted and (f["tensor"] or "").startswith("params"))
               for f in result["failed"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path)
    parser.add_argument("--set", dest="subset", default=None, help="only entries whose 'set' is this")
    parser.add_argument("--folders", type=Path, nargs="*", default=[])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)

    entries, root = [], Path(".")
    if args.manifest:
        root = args.manifest.parent
        entries = [e for e in json.loads(args.manifest.read_text()) if args.subset in (None, e.get("set"))]
    entries += [{"folder": str(f), "file": f.name, "exercise": "all", "correct": None} for f in args.folders]
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda e: grade_one(e, root), entries))

    false_alarms, missed, blamed, buggy = [], [], 0, 0
    for r in results:
        tests = ", ".join(f"{f['test']}[{f['tensor']}|{f['hint']}]" for f in r["failed"])
        print(f"{r['score']:>5g}/{r['max']:<4g} {'ok ' if r['correct'] else 'BUG' if r['correct'] is False else '   '} "
              f"{r['file']:<52} {tests}")
        if r["correct"] and r["score"] < r["max"]:
            false_alarms.append(r["file"])
        if r["correct"] is False:
            buggy += 1
            if r["score"] == r["max"]:
                missed.append(r["file"])
            elif blamed_right(r) is not False:
                blamed += 1
    correct = sum(1 for r in results if r["correct"])
    print(f"\ncorrect at full marks: {correct - len(false_alarms)}/{correct}   false alarms: {false_alarms}")
    print(f"buggy losing points: {buggy - len(missed)}/{buggy}   missed (100%): {missed}")
    print(f"buggy with a failure blaming a tensor the manifest names: {blamed}/{buggy - len(missed)}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
