"""`gradkit grade-all SUBMISSIONS`: grade a class, each submission sandboxed, into grades.csv.

Examples::

    gradkit grade-all submissions/ --jobs 2 --out grades.csv     # grade who needs it
    gradkit grade-all submissions/ --out grades.csv --student alice   # regrade alice alone
    gradkit grade-all submissions/ --out grades.csv --force      # regrade everyone
    gradkit grade-all submissions/ --scheduler tcp://HOST:8786   # one task per submission on a Dask cluster
    # the exercise files nbgrader autograded, for the course the release wrote into the assignment:
    gradkit grade-all course/autograded --subfolder cnn-layers --course course/source/cnn-layers/course.json
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tqdm import tqdm

from gradkit.batch import namespaces, report
from gradkit.batch.limits import Limits
from gradkit.batch.scheduler import grade_all, student_folders
from gradkit.batch.submission import GRADED
from gradkit.checker.course import active


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Limits()
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS_DIR",
                        help="one folder per student, each holding the course's exercise files")
    parser.add_argument("--out", type=Path, default=Path("grades.csv"), metavar="FILE.csv",
                        help="per-student totals and per-test points (default: %(default)s); also writes "
                             "FILE.passrates.csv and keeps each grade in FILE.results/")
    parser.add_argument("--jobs", "-j", type=int, default=min(2, os.cpu_count() or 1), metavar="N",
                        help="submissions graded at the same time (default: %(default)s)")
    parser.add_argument("--student", action="append", default=[], metavar="NAME",
                        help="grade only this student, even if already graded (repeatable)")
    parser.add_argument("--force", action="store_true", help="regrade every submission, even those already graded")
    parser.add_argument("--no-hidden", action="store_true", help="run only the public graded tests, not tests/hidden")
    parser.add_argument("--subfolder", metavar="NAME",
                        help="each student's files are in SUBMISSIONS_DIR/<student>/NAME/ (nbgrader: "
                             "gradkit grade-all autograded --subfolder cnn-layers)")
    parser.add_argument("--course", type=Path, metavar="FILE",
                        help="the course to grade: which exercises, for how many points (default: this source's "
                             "course.toml, else the six exercises of the original assignment); a release's "
                             "course.json gives the course it was made for")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on this Dask cluster (tcp://HOST:8786), one task per submission, instead of here; "
                             "needs pip install \"gradkit[dask]\" here and the same gradkit on every worker; the "
                             "workers' threads replace --jobs")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    limits = parser.add_argument_group("limits for each submission")
    limits.add_argument("--cpu-seconds", type=int, default=defaults.cpu_seconds,
                        help="CPU time of the sandboxed process (default: %(default)s)")
    limits.add_argument("--memory-mb", type=int, default=defaults.memory_mb,
                        help="address space of the sandboxed process (default: %(default)s)")
    limits.add_argument("--call-seconds", type=float, default=defaults.call_seconds,
                        help="wall time of one call of a student method (default: %(default)s)")
    limits.add_argument("--test-seconds", type=float, default=defaults.test_seconds,
                        help="wall time of one graded test (default: %(default)s)")
    limits.add_argument("--wall-seconds", type=float, default=defaults.wall_seconds,
                        help="wall time of a whole submission (default: %(default)s)")
    limits.add_argument("--budget-seconds", type=float, default=defaults.budget_seconds,
                        help="wall time of all calls of a submission's code together; once used up, the remaining "
                             "calls fail and grades.csv lists the tests cut (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    limits = Limits(cpu_seconds=args.cpu_seconds, memory_mb=args.memory_mb, call_seconds=args.call_seconds,
                    test_seconds=args.test_seconds, wall_seconds=args.wall_seconds,
                    budget_seconds=args.budget_seconds)
    course = active(args.course)
    isolated, why = namespaces.status()
    if not isolated and not args.scheduler:  # on a cluster, the workers' own namespaces count
        print(f"warning: {why}", file=sys.stderr)
    total = len(args.student) or len(student_folders(args.submissions, args.subfolder))
    bar = tqdm(total=total, unit="submission", disable=args.no_progress, dynamic_ncols=True)
    summary = grade_all(args.submissions, args.out, jobs=args.jobs, limits=limits, only=args.student,
                        force=args.force, include_hidden=not args.no_hidden, subfolder=args.subfolder,
                        course=course, progress=bar.update,
                        on_result=lambda r: bar.set_postfix_str(f"{r.student}: {r.score:g}/{r.max_score:g}"),
                        scheduler=args.scheduler)
    bar.total = bar.n  # submissions skipped as already graded never tick
    bar.close()
    if summary.skipped and not args.student:
        print(f"skipped {len(summary.skipped)} already graded (use --force to regrade, --student NAME for one)")
    if summary.graded_now:
        where = f"on {args.scheduler}" if args.scheduler else f"--jobs {args.jobs}"
        print(f"graded {len(summary.graded_now)} submission(s) in {summary.seconds:.1f} s "
              f"({summary.per_minute:.1f} per minute, {where})")
    table = report.pass_rate_table(summary.results, order=course.exercises)
    if table:
        print("\nchecks with the lowest pass rate:\n" + table)
    print(f"\nwrote {args.out} and {args.out.with_name(args.out.stem + '.passrates.csv')}")
    for result in summary.results:
        if result.status != GRADED:
            print(f"{result.student}: {result.status}: {result.reason}")
    return 1 if summary.errors else 0
