"""`gradkit release --out DIR`: the student release and the nbgrader course, both from solutions/.

Writes ``DIR/student/`` (the wheel students install, allow-listed and leak-checked, and a README) and ``DIR/course/`` (nbgrader_config.py,
source/<assignment>/ notebooks, hidden/ tests). Bad solution markers stop it with `file:line`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gradkit.release.course import ASSIGNMENT, build_course
from gradkit.release.student import build_student_release


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="where to write student/ and course/")
    parser.add_argument("--assignment", default=ASSIGNMENT, metavar="NAME",
                        help="the nbgrader assignment name (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="replace DIR/student and DIR/course if they exist")


def run(args: argparse.Namespace) -> int:
    student = build_student_release(args.out / "student", force=args.force)
    wheel = next(student.glob("*.whl"))
    print(f"wrote {student}: the student release, {wheel.name} and README.md (leak check passed)")
    course = build_course(args.out / "course", assignment=args.assignment, force=args.force)
    print(f"wrote {course}: the nbgrader course; next: cd {course} && nbgrader generate_assignment "
          f"{args.assignment}")
    return 0
