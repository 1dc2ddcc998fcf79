"""`gradkit release --out DIR`: the student release and the nbgrader course, both from solutions/, for one course.

Writes ``DIR/student/`` (the wheel students install, allow-listed and leak-checked, and a README) and ``DIR/course/`` (nbgrader_config.py,
source/<assignment>/ notebooks, hidden/ tests). Both carry the course: the source's course.toml (else the six
exercises of the original assignment), or ``--course FILE``, narrowed or widened by ``--exercises``. Bad solution
markers stop it with `file:line`; a bad course with one line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gradkit import layout
from gradkit.checker.course import load, of_source, with_exercises
from gradkit.checker.specs import EXERCISES
from gradkit.errors import UserError
from gradkit.release.course import build_course
from gradkit.release.student import build_student_release


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="where to write student/ and course/")
    parser.add_argument("--course", type=Path, metavar="FILE",
                        help="the course file: which exercises, in what order, for how many points "
                             "(default: course.toml in the source, else the six of the original assignment)")
    parser.add_argument("--exercises", metavar="NAME,NAME,...",
                        help=f"release these exercises, in this order (any of {', '.join(EXERCISES)}), "
                             "keeping the course's points for them")
    parser.add_argument("--assignment", default=None, metavar="NAME",
                        help="the nbgrader assignment name (default: the course's name)")
    parser.add_argument("--force", action="store_true", help="replace DIR/student and DIR/course if they exist")


def run(args: argparse.Namespace) -> int:
    root = layout.require_source("gradkit release")
    course = load(args.course) if args.course else of_source(root)
    if args.exercises is not None:
        names = [name.strip() for name in args.exercises.split(",") if name.strip()]
        if not names:
            raise UserError("--exercises: name at least one exercise, e.g. --exercises relu,linear")
        course = with_exercises(course, names)
    student = build_student_release(args.out / "student", root, force=args.force, course=course)
    wheel = next(student.glob("*.whl"))
    print(f"wrote {student}: the student release, {wheel.name} and README.md (leak check passed)")
    print(f"course {course.name}: {', '.join(course.exercises)}")
    built = build_course(args.out / "course", root, assignment=args.assignment, force=args.force, course=course)
    assignment = args.assignment or course.name
    print(f"wrote {built}: the nbgrader course; next: cd {built} && nbgrader generate_assignment {assignment}")
    return 0
