"""`gradkit check EXERCISE`: one exercise's checks, verbose, with full diagnosis of any failure."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradkit.checker.runner import graded_files, run_suite
from gradkit.checker.specs import EXERCISES, spec
from gradkit.cli.common import add_course_argument, add_impl_argument, resolve_course, resolve_impl
from gradkit.errors import UserError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("exercise", help="which exercise of the course to check (conv, pool, ...)")
    add_impl_argument(parser)
    add_course_argument(parser)
    parser.add_argument("--plot", type=Path, metavar="FILE.png",
                        help="draw your gradient, the numerical one and their difference as heat maps")


# What a gradient picture can be saved as (matplotlib's formats without a GUI or LaTeX).
PLOT_FORMATS = (".png", ".pdf", ".svg", ".jpg", ".jpeg")


def check_plot_path(exercise: str, plot: Path) -> None:
    """Raise ``UserError`` before any check runs when ``--plot`` cannot produce a picture."""
    if exercise in EXERCISES and getattr(spec(exercise), "PLOT_CASE", None) is None:  # an optimizer, say
        raise UserError(f"--plot: {exercise} has no gradient to draw (run without --plot)")
    if plot.suffix.lower() not in PLOT_FORMATS:
        raise UserError(f"--plot {plot}: name a picture file ending in {', '.join(PLOT_FORMATS)}")
    if not plot.parent.is_dir():
        raise UserError(f"--plot {plot}: the folder {plot.parent} does not exist")


def run(args: argparse.Namespace) -> int:
    course = resolve_course(args.course)
    try:
        graded_files([args.exercise], course)  # an exercise of the course, or one line naming them
    except ValueError as error:
        raise UserError(str(error)) from None
    extra = ["-v"]
    if args.plot:
        check_plot_path(args.exercise, args.plot)
        if args.plot.is_file():
            args.plot.unlink()  # the checks draw only into a file that is not there yet
        extra += ["--gradkit-plot", str(args.plot)]
    result = run_suite(resolve_impl(args.impl), [args.exercise], extra=extra, capture=False, course=course)
    if args.plot and not args.plot.exists():
        raise UserError(f"--plot {args.plot}: no picture drawn, the exercise's gradients could not be computed "
                        "(see the failures above)")
    return 0 if result.outcomes and result.score == result.max_score else 1
