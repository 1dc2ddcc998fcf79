"""`gradkit init DIR`: a fresh workspace with the course's stubs, a README and a pytest.ini (students start here)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradkit import workspace
from gradkit.checker.course import active
from gradkit.checker.specs import EXERCISES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", help="the folder to create (or an empty one)")


def run(args: argparse.Namespace) -> int:
    course = active()
    workspace.init(args.folder, course)
    files = ", ".join(EXERCISES[name].file for name in course.exercises)
    print(f"wrote {files}, README.md and pytest.ini to {args.folder}\n"
          f"next: cd {args.folder} && gradkit check {course.exercises[0]}")
    return 0
