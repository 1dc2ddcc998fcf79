"""Options shared by several subcommands, with their help written once."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradkit import workspace
from gradkit.checker.course import Course, active
from gradkit.checker.impl import unknown_impl
from gradkit.checker.plugin import IMPL_HELP
from gradkit.errors import UserError


def add_impl_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--impl", default=None, metavar="IMPL", help=IMPL_HELP)


def resolve_impl(given: str | None) -> str:
    """`--impl` as given (checked to exist), else the workspace here (or the source's exercises/)."""
    if given is None:
        return workspace.default_impl()
    problem = unknown_impl(given)
    if problem:
        raise UserError(problem)
    return given


def add_course_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", type=Path, metavar="FILE",
                        help="the course to grade: a course.toml, or the course.json a release wrote (default: "
                             "this workspace's course, else the six exercises of the original assignment)")


def resolve_course(given: Path | None) -> Course | None:
    """The course `--course` names (None without it: the child grades the active course itself)."""
    return None if given is None else active(given)
