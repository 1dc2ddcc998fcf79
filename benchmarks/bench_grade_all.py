"""Throughput of `grade-all`: generate a class of submissions and report submissions graded per minute.

    python benchmarks/bench_grade_all.py                 # 200 submissions, --jobs 2, hidden tests included
    python benchmarks/bench_grade_all.py --count 40 --jobs 1 --no-hidden
    python benchmarks/bench_grade_all.py --scheduler tcp://HOST:8786   # on a Dask cluster (pip install ".[dask]")

The class mixes what a real one holds: a quarter full marks (the reference), a sixth untouched stubs,
and the rest the reference with one catalogue mistake (tests/bugs, cycled). Every submission goes
through the full sandbox (its own evaluator process, limits, the graded suite).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gradkit.batch.limits import Limits
from gradkit.batch.samples import (
    write_bug,
    write_reference,
    write_stubs,
)
from gradkit.batch.scheduler import grade_all
from gradkit.release.catalogue import bug_files


def make_class(folder: Path, count: int) -> Counter:
    """`count` submission folders in `folder`; returns how many of each kind."""
    bugs = bug_files()
    kinds: Counter = Counter()
    for i in range(count):
        student = folder / f"student{i:03d}"
        if i % 12 in (0, 1, 2):
            write_reference(student)
            kinds["reference"] += 1
        elif i % 12 == 3 or i % 12 == 4 or not bugs:
            write_stubs(student)
            kinds["stubs"] += 1
        else:
            write_bug(student, bugs[i % len(bugs)])
            kinds["one catalogue bug"] += 1
    return kinds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-hidden", action="store_true")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="grade on this Dask cluster instead of here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gradkit-bench-") as tmp:
        submissions = Path(tmp) / "submissions"
        kinds = make_class(submissions, args.count)
        started = time.monotonic()
        done = 0

        def tick(_: int) -> None:
            nonlocal done
            done += 1
            if done % 20 == 0:
                rate = 60 * done / (time.monotonic() - started)
                print(f"  {done}/{args.count} graded, {rate:.1f} per minute so far", flush=True)

        summary = grade_all(submissions, Path(tmp) / "grades.csv", jobs=args.jobs, limits=Limits(),
                            include_hidden=not args.no_hidden, progress=tick, scheduler=args.scheduler)
    scores = Counter(r.status for r in summary.results)
    print(f"class: {dict(kinds)}; statuses: {dict(scores)}")
    where = f"on the Dask cluster at {args.scheduler}" if args.scheduler else \
        f"with --jobs {args.jobs} on {os.cpu_count()} cores"
    print(f"graded {len(summary.graded_now)} submissions in {summary.seconds:.0f} s {where}: "
          f"{summary.per_minute:.1f} submissions per minute"
          f"{' (public tests only)' if args.no_hidden else ' (public + hidden tests)'}")
    return 0 if not summary.errors else 1


if __name__ == "__main__":
    sys.exit(main())
