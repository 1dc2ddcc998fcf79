"""`gradkit grade`: the graded suite, the score table, exit 0 only at full marks."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradkit.checker.runner import run_suite
from gradkit.cli.common import add_course_argument, add_impl_argument, resolve_course, resolve_impl
from gradkit.errors import UserError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_impl_argument(parser)
    add_course_argument(parser)
    parser.add_argument("--json", type=Path, metavar="FILE", help="write Gradescope-format results.json here")
    parser.add_argument("exercises", nargs="*", metavar="EXERCISE", help="grade only these exercises (default: the whole course)")


def run(args: argparse.Namespace) -> int:
    try:
        result = run_suite(resolve_impl(args.impl), args.exercises or None, extra=["-q"], capture=False, json_out=args.json,
                           course=resolve_course(args.course))
    except ValueError as error:
        raise UserError(str(error)) from None
    if not result.outcomes:
        raise UserError(f"no graded test ran (pytest exit code {result.returncode}); see the output above")
    return 0 if result.score == result.max_score else 1
