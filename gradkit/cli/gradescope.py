"""`gradkit gradescope --out autograder.zip`: the Gradescope autograder for one course, from solutions/-free parts.

The zip (`gradkit.release.gradescope`) holds setup.sh, run_autograder, pinned requirements, the student wheel and
the course's instructor-only tests; never a solution (checked before it is written). Each submission is graded
sandboxed, as `grade-all` grades it, into Gradescope's results.json.
"""

from __future__ import annotations

import argparse
import math
import zipfile
from pathlib import Path

from gradkit import layout
from gradkit.batch.gradescope import DEFAULT_WALL_SECONDS
from gradkit.checker.course import load, of_source
from gradkit.checker.points import hidden_points, public_points
from gradkit.release.gradescope import build_autograder


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.zip",
                        help="the autograder zip to write (upload it on Gradescope's Configure Autograder page)")
    parser.add_argument("--course", type=Path, metavar="FILE",
                        help="the course file: which exercises, for how many points (default: course.toml in the "
                             "source, else the six of the original assignment)")
    parser.add_argument("--wall-seconds", type=float, default=DEFAULT_WALL_SECONDS,
                        help="stop grading a submission after this long, with that reason; keep it under the "
                             "assignment's Gradescope timeout, 10 minutes unless raised (default: %(default)g)")
    parser.add_argument("--force", action="store_true", help="replace FILE.zip if it exists")


def run(args: argparse.Namespace) -> int:
    root = layout.require_source("gradkit gradescope")
    course = load(args.course) if args.course else of_source(root)
    archive = build_autograder(args.out, root, course, force=args.force, wall_seconds=args.wall_seconds)
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
    hidden = sum(n.startswith("hidden/") for n in names)
    print(f"wrote {archive}: setup.sh, run_autograder, requirements.txt, the gradkit wheel and {hidden} "
          "instructor-only test file(s) (leak check passed)")
    print(f"course {course.name}: {', '.join(course.exercises)}")
    public = math.fsum(public_points(e, course) for e in course.exercises)
    hidden_total = math.fsum(hidden_points(e, course) for e in course.exercises)
    print(f"set the assignment's total to {public + hidden_total:g} points on Gradescope: {public:g} public + "
          f"{hidden_total:g} instructor-only (the tests' points, which the score sums)")
    return 0
