"""`gradkit init DIR`: a fresh workspace with the six stubs, a README and a pytest.ini (students start here)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradkit import workspace


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", help="the folder to create (or an empty one)")


def run(args: argparse.Namespace) -> int:
    workspace.init(args.folder)
    print(f"wrote the six exercise files, README.md and pytest.ini to {args.folder}\n"
          f"next: cd {args.folder} && gradkit check conv")
    return 0
