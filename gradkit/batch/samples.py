"""Sample submission folders built from the kit itself: the reference, the stubs, catalogue bugs.

For the self-tests, the hostile-code tests and the throughput benchmark. A catalogue bug
(`tests/bugs/<exercise>_<mistake>.py`) subclasses the reference with ``from solutions.<exercise>
import <Class> as Reference``; a real submission cannot import the reference (the sandbox cannot
even read it), so the bug is materialised as the reference file followed by the bug's class.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from checker.names import EXERCISES

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
EXERCISE_STUBS = ROOT / "exercises"
BUGS = ROOT / "tests" / "bugs"
_REFERENCE_IMPORT = re.compile(r"^from solutions\.(\w+) import (\w+) as (\w+)\s*$", re.MULTILINE)


def write_reference(folder: Path) -> Path:
    """The six reference files (fences included: they are comments)."""
    folder.mkdir(parents=True, exist_ok=True)
    for exercise in EXERCISES.values():
        shutil.copyfile(SOLUTIONS / exercise.file, folder / exercise.file)
    return folder


def write_stubs(folder: Path) -> Path:
    """The six untouched student stubs."""
    folder.mkdir(parents=True, exist_ok=True)
    for exercise in EXERCISES.values():
        shutil.copyfile(EXERCISE_STUBS / exercise.file, folder / exercise.file)
    return folder


def catalogue_bugs() -> list[Path]:
    """Every catalogue bug file, sorted (none when the catalogue is absent)."""
    return sorted(p for p in BUGS.glob("*.py") if not p.name.startswith("_")) if BUGS.is_dir() else []


def bug_exercise(bug: Path) -> str:
    """The exercise a bug file belongs to (the longest exercise name its file name starts with)."""
    names = sorted((e for e in EXERCISES if bug.stem.startswith(e + "_")), key=len, reverse=True)
    if not names:
        raise ValueError(f"{bug.name}: the name does not start with an exercise name")
    return names[0]


def materialise_bug(bug_source: str, reference_source: str) -> str:
    """One self-contained file: the reference, then the bug's code with its import of the reference
    replaced by an alias of the class just defined."""
    body = _REFERENCE_IMPORT.sub(lambda m: f"{m.group(3)} = {m.group(2)}", bug_source)
    return reference_source.rstrip() + "\n\n\n# ---- the mistake ----\n" + body


def write_bug(folder: Path, bug: Path) -> Path:
    """The reference with one exercise replaced by a catalogue bug."""
    write_reference(folder)
    exercise = EXERCISES[bug_exercise(bug)]
    text = materialise_bug(bug.read_text(), (SOLUTIONS / exercise.file).read_text())
    (folder / exercise.file).write_text(text)
    return folder
