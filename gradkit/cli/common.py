"""Options shared by several subcommands, with their help written once."""

from __future__ import annotations

import argparse

from gradkit.checker.plugin import IMPL_HELP


def add_impl_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--impl", default="exercises", metavar="IMPL", help=IMPL_HELP)
