"""`gradkit check EXERCISE`: one exercise's checks, verbose, with full diagnosis of any failure."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradkit.checker.names import EXERCISES
from gradkit.checker.runner import run_suite
from gradkit.cli.common import add_impl_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("exercise", choices=list(EXERCISES), help="which exercise to check")
    add_impl_argument(parser)
    parser.add_argument("--plot", type=Path, metavar="FILE.png",
                        help="draw your gradient, the numerical one and their difference as heat maps")


def run(args: argparse.Namespace) -> int:
    extra = ["-v"]
    if args.plot:
        extra += ["--gradkit-plot", str(args.plot)]
    result = run_suite(args.impl, [args.exercise], extra=extra, capture=False)
    return 0 if result.outcomes and result.score == result.max_score else 1
