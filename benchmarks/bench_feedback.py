"""How good and how costly is the feedback? For every catalogue entry (tests/bugs/):

- does a failed test name the expected tensor, and does a hint name the expected mistake
  (by pattern or counterfactual alone, and with known-bug fingerprints)?
- how long does the whole graded suite take against it, next to the reference?

Run: python benchmarks/bench_feedback.py [--jobs 2]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gradkit.checker.runner import run_suite  # noqa: E402
from gradkit.release.catalogue import bug_files, course_including, read_expect, submission_with  # noqa: E402


def timed_run(impl: str, course=None) -> tuple[float, object]:
    """CPU seconds (user + sys) of the child pytest process, and its outcomes.

    CPU time, not wall time: on a shared 2-core machine the wall clock mostly measures the neighbours.
    With --jobs > 1 children overlap and their CPU times cannot be told apart, so time with --jobs 1.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = run_suite(impl, course=course)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), run


def grade_bug(path: Path) -> dict:
    _, expect = read_expect(path)
    course = course_including([expect["exercise"]])
    with tempfile.TemporaryDirectory() as tmp:
        seconds, run = timed_run(str(submission_with(path, expect["exercise"], Path(tmp))), course)
    failed = [o for o in run.outcomes if not o.passed]
    pattern_hints = {o.hint for o in failed if o.hint} - {None}
    return {
        "name": path.stem, "expect": expect, "seconds": seconds,
        "lost": any(o.exercise == expect["exercise"] for o in failed),
        "tensor": any(o.tensor == expect["tensor"] for o in failed),
        "hint": expect.get("hint") in pattern_hints,
        "known": any("known mistake:" in o.message for o in failed),
        "hints": sorted(pattern_hints), "tensors": sorted({o.tensor or "-" for o in failed}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    ref_times = [timed_run("solutions")[0] for _ in range(3)]
    with ThreadPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(grade_bug, bug_files()))
    print(f"{'entry':<48}{'s':>6}  lost tensor hint known  hints / tensors named")
    for r in rows:
        flags = "  ".join("yes" if r[k] else " NO" for k in ("lost", "tensor", "hint", "known"))
        print(f"{r['name']:<48}{r['seconds']:6.2f}  {flags}   {r['hints']} / {r['tensors']}")
    with_hint = [r for r in rows if r["expect"].get("hint")]
    print(f"\nentries: {len(rows)}; lose points: {sum(r['lost'] for r in rows)}; "
          f"right tensor named: {sum(r['tensor'] for r in rows)}/{len(rows)}")
    print(f"hint names the mistake: {sum(r['hint'] for r in with_hint)}/{len(with_hint)} entries that expect a hint "
          f"({100 * sum(r['hint'] for r in with_hint) / max(len(with_hint), 1):.0f}%); "
          f"known-bug fingerprint printed: {sum(r['known'] for r in rows)}/{len(rows)}")
    ref = statistics.median(ref_times)
    bug_times = [r["seconds"] for r in rows]
    print(f"whole graded suite, CPU seconds: reference {ref:.2f} s (median of 3); buggy median {statistics.median(bug_times):.2f} s, "
          f"max {max(bug_times):.2f} s ({max(bug_times) / ref:.2f}x the reference); jobs={args.jobs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
