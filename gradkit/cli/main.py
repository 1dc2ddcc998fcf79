"""Entry point of the `gradkit` command: builds the parser from one table of subcommands.

Each subcommand lives in its own module `gradkit/cli/<name>.py` with two functions:
``add_arguments(parser)`` and ``run(args) -> int`` (the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from gradkit import __version__
from gradkit.errors import UserError

# (command, module, one line of help), in the order of a course's workflow.
# Maintainers' commands work but are not listed in `gradkit --help`, which students read.
COMMANDS: list[tuple[str, str, str]] = [
    ("init", "gradkit.cli.init", "Start working: a folder with your exercise files, a README and a pytest.ini."),
    ("grade", "gradkit.cli.grade", "Grade an implementation: score table, exit 0 only at full marks."),
    ("check", "gradkit.cli.check", "Run one exercise's checks with full diagnosis (and --plot)."),
    ("make-stubs", "gradkit.cli.make_stubs", "Regenerate exercises/ from solutions/ (maintainers)."),
    ("release", "gradkit.cli.release", "Write the student release and the nbgrader course from solutions/ (instructors)."),
    ("train", "gradkit.cli.train", "Train the MNIST or CIFAR-10 network with the reference or your layers."),
    ("evaluate", "gradkit.cli.evaluate", "Accuracy of a trained checkpoint on a split, with figures."),
    ("grade-all", "gradkit.cli.grade_all", "Grade a folder of submissions, each sandboxed, into grades.csv (instructors)."),
    ("gradescope", "gradkit.cli.gradescope", "Build a Gradescope autograder zip for the course (instructors)."),
]

MAINTAINER_COMMANDS = {"make-stubs"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradkit", description="Build a CNN from scratch in NumPy: grade it, diagnose it, train it, run a course.")
    parser.add_argument("--version", action="version", version=f"gradkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name, help_text in COMMANDS:
        module = importlib.import_module(module_name)
        listed = {} if name in MAINTAINER_COMMANDS else {"help": help_text}
        command = sub.add_parser(name, description=help_text, **listed)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except UserError as error:
        print(f"gradkit {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"gradkit {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
