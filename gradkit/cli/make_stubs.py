"""`gradkit make-stubs`: regenerate exercises/ from solutions/ (or, with --check, report drift)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradkit.errors import UserError
from gradkit.release.stubs import check_stubs, write_stubs

# solutions/ and exercises/ sit next to the gradkit package, in a checkout and in an installation alike.
_ROOT = Path(__file__).resolve().parents[2]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list the files of exercises/ that differ from their generated stub and exit 1 if any",
    )
    parser.add_argument(
        "--solutions",
        type=Path,
        default=_ROOT / "solutions",
        metavar="DIR",
        help="the fenced reference files (default: %(default)s)",
    )
    parser.add_argument(
        "--exercises",
        type=Path,
        default=_ROOT / "exercises",
        metavar="DIR",
        help="where the stubs go (default: %(default)s)",
    )


def _shown(path: Path) -> str:
    """path relative to the current directory when it is inside it, else as given."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run(args: argparse.Namespace) -> int:
    if not args.solutions.is_dir():
        raise UserError(f"no solutions folder at {args.solutions} (use --solutions DIR)")
    if args.check:
        drifted = check_stubs(args.solutions, args.exercises)
        if drifted:
            print(f"{len(drifted)} stub file(s) out of date with {_shown(args.solutions)}:")
            for path in drifted:
                print(f"  {_shown(path)}")
            print("run `gradkit make-stubs` to regenerate them")
            return 1
        print(f"{_shown(args.exercises)} is in sync with {_shown(args.solutions)}")
        return 0
    changed = write_stubs(args.solutions, args.exercises)
    for path in changed:
        print(f"wrote {_shown(path)}")
    if not changed:
        print(f"{_shown(args.exercises)} was already in sync with {_shown(args.solutions)}")
    return 0
