"""Sample submission folders built from the kit itself: the reference, the stubs, catalogue bugs.

Each holds the files of every exercise the kit knows, so one sample serves any course (grading reads the
course's files and ignores the rest).

For the self-tests, the hostile-code tests and the throughput benchmark. A catalogue bug
(`tests/bugs/<exercise>_<mistake>.py`) subclasses the reference or a variant; a real submission
cannot import them (the sandbox cannot even read them), so the bug is written out materialised
(`gradkit.release.catalogue.materialise`): the base's source, then the bug's class.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from gradkit.checker.specs import EXERCISES
from gradkit.release.catalogue import exercise_of, submission_with

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
EXERCISE_STUBS = ROOT / "exercises"
BUGS = ROOT / "tests" / "bugs"


def write_reference(folder: Path) -> Path:
    """The reference files (fences included: they are comments)."""
    folder.mkdir(parents=True, exist_ok=True)
    for exercise in EXERCISES.values():
        shutil.copyfile(SOLUTIONS / exercise.file, folder / exercise.file)
    return folder


def write_stubs(folder: Path) -> Path:
    """The untouched student stubs."""
    folder.mkdir(parents=True, exist_ok=True)
    for exercise in EXERCISES.values():
        shutil.copyfile(EXERCISE_STUBS / exercise.file, folder / exercise.file)
    return folder


def write_bug(folder: Path, bug: Path) -> Path:
    """The reference with one exercise replaced by a catalogue bug, made self-contained."""
    return submission_with(bug, exercise_of(bug), folder)
