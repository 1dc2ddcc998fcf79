"""Where the kit's files are: in the installed wheel, and in the instructor's source repository.

Students install the wheel: it holds the grading library, the public graded tests, the stubs (as
templates for `gradkit init`) and the data samples, and nothing an instructor keeps to themselves.
The source repository (a clone) also holds the reference solutions, the instructor-only tests, the
bug catalogue and the maintainers' self-tests. Every path a command needs comes from here.

    what              wheel (site-packages/gradkit/...)   source repository
    graded tests      graded/                             tests/graded/
    stubs             exercises/                          exercises/
    data samples      data/                               data/
    solutions         -                                   solutions/
    hidden tests      -                                   tests/hidden/
    course            course.json (written by release)    course.toml (optional)
"""

from __future__ import annotations

from pathlib import Path

from gradkit.errors import UserError

PACKAGE = Path(__file__).resolve().parent
_REPO = PACKAGE.parent


def source_root() -> Path | None:
    """The source repository this gradkit runs from, or None when it is an installed wheel."""
    if (_REPO / "checker" / "__init__.py").is_file() and (_REPO / "solutions").is_dir():
        return _REPO
    return None


def require_source(what: str) -> Path:
    """The source repository, or a one-line error: `what` (e.g. "gradkit release") needs the instructor's source."""
    root = source_root()
    if root is None:
        raise UserError(f"{what} needs the instructor's source: run it from a clone of the gradkit repository "
                        "(the installed package holds only what students may have)")
    return root


def _here(installed: str, source: str) -> Path:
    root = source_root()
    return root / source if root is not None else PACKAGE / installed


def checker_dir() -> Path:
    return _here("checker", "checker")


def graded_tests_dir() -> Path:
    """The public graded tests: one `test_<exercise>.py` per exercise."""
    return _here("graded", "tests/graded")


def stubs_dir() -> Path:
    """The generated stubs (the provided constructors and the exercises students complete)."""
    return _here("exercises", "exercises")


def samples_dir() -> Path:
    """The small MNIST and CIFAR-10 samples shipped with the kit (`*-sample.npz`)."""
    return _here("data", "data")


def solutions_dir() -> Path | None:
    """The reference solutions, only in the source repository."""
    root = source_root()
    return root / "solutions" if root is not None else None


def hidden_tests_dir() -> Path | None:
    """The instructor-only tests, only in the source repository."""
    root = source_root()
    return root / "tests" / "hidden" if root is not None else None


SOURCE_COURSE = "course.toml"  # the instructor's choice, at the source's root (optional)
SHIPPED_COURSE = "course.json"  # what a release writes into the package it ships


def course_file() -> Path:
    """Where this gradkit's course is written, if it has one (`checker.course.active` reads it): `course.toml` at the
    source's root, or in an installed wheel the `course.json` its release wrote."""
    root = source_root()
    return root / SOURCE_COURSE if root is not None else PACKAGE / SHIPPED_COURSE
