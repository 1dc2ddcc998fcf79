"""`gradkit make-stubs` (maintainers): regenerate exercises/ from solutions/ (or, with --check, report drift).

Not listed in `gradkit --help`: students never need it, and it would replace their work. A file of
exercises/ that someone edited (it is no generated stub) is kept unless --force is given.
"""

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
    parser.add_argument("--force", action="store_true",
                        help="also replace files of exercises/ that someone edited (their work is lost)")
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
            print(f"{len(drifted)} file(s) of {_shown(args.exercises)} differ from the stubs generated from "
                  f"{_shown(args.solutions)} (expected once you have started working on them):")
            for path in drifted:
                print(f"  {_shown(path)}")
            print("maintainers: `gradkit make-stubs` regenerates the stubs (it keeps edited files unless --force)")
            return 1
        print(f"{_shown(args.exercises)} is in sync with {_shown(args.solutions)}")
        return 0
    changed = write_stubs(args.solutions, args.exercises, force=args.force)
    for path in changed:
        print(f"wrote {_shown(path)}")
    if not changed:
        print(f"{_shown(args.exercises)} was already in sync with {_shown(args.solutions)}")
    return 0
