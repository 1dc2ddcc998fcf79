"""A course: which of the kit's exercises an assignment has, in what order, and what each is worth.

`EXERCISES` (checker/specs) is every exercise the kit knows; a course picks some of them. A course file::

    name = "cnn-layers"                       # optional: the course, and the nbgrader assignment's default name
    exercises = ["conv", "relu", "linear"]    # in the order students meet them
    [points]                                  # optional: an exercise's public total, if not the sum of its tests
    conv = 30

An exercise given other points keeps its tests: each of its tests (public and instructor-only) is scaled by the
same factor, in `checker/points.py`. Without a course file the course is `DEFAULT`, the six exercises of the
original assignment at their tests' own points. The instructor's source may hold one at its root (`course.toml`);
a release writes the course it was made for into what it ships (`course.json`, the same settings), so students,
nbgrader and `grade-all` grade the same exercises for the same points.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gradkit import layout
from gradkit.checker.specs import DEFAULT_COURSE, EXERCISES
from gradkit.errors import UserError

DEFAULT_NAME = "cnn-layers"
SETTINGS = ("name", "exercises", "points")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # it may name a folder (the nbgrader assignment)
EXAMPLE = 'exercises = ["conv", "relu"]'


@dataclasses.dataclass(frozen=True)
class Course:
    """What an assignment grades; build one with `make` (or `load`), which checks it."""

    name: str
    exercises: tuple[str, ...]
    # The public total of each exercise the course sets one for; the others are worth their tests' points.
    points: Mapping[str, float] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", MappingProxyType(dict(self.points)))  # a course never changes

    def to_dict(self) -> dict[str, Any]:
        """The settings of a course file (`from_settings` reads them back)."""
        return {"name": self.name, "exercises": list(self.exercises), "points": dict(self.points)}


DEFAULT = Course(DEFAULT_NAME, DEFAULT_COURSE)


def _is_points(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def make(name: str, exercises: Sequence[str], points: Mapping[str, object], where: str) -> Course:
    """A checked course; a UserError in one line, starting with `where` (the file, or the option), otherwise."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise UserError(f"{where}: name {name!r} may hold only letters, digits, '-', '_' and '.'")
    if isinstance(exercises, str) or not isinstance(exercises, Sequence) or not exercises \
            or not all(isinstance(e, str) for e in exercises):
        raise UserError(f"{where}: exercises must be a non-empty list of exercise names, e.g. {EXAMPLE}")
    for exercise in exercises:
        if exercise not in EXERCISES:
            raise UserError(f"{where}: unknown exercise {exercise!r}; the kit has {', '.join(EXERCISES)}")
    for i, exercise in enumerate(exercises):
        if exercise in exercises[:i]:
            raise UserError(f"{where}: exercise {exercise!r} is listed twice")
    if not isinstance(points, Mapping):
        raise UserError(f"{where}: points must be a table of exercise = points, e.g. [points] conv = 30")
    for exercise, value in points.items():
        if exercise not in exercises:
            raise UserError(f"{where}: points are given for {exercise!r}, which is not one of the course's exercises")
        if not _is_points(value):
            raise UserError(f"{where}: points for {exercise!r} must be a positive number, not {value!r}")
    return Course(name, tuple(exercises), {e: float(v) for e, v in points.items()})  # type: ignore[arg-type]


def from_settings(data: object, where: str) -> Course:
    """The course a course file's settings describe (`Course.to_dict`'s form)."""
    if not isinstance(data, dict):
        raise UserError(f"{where}: a course file sets {', '.join(SETTINGS)}")
    unknown = [key for key in data if key not in SETTINGS]
    if unknown:
        raise UserError(f"{where}: unknown setting {unknown[0]!r}; a course file sets {', '.join(SETTINGS)}")
    if "exercises" not in data:
        raise UserError(f"{where}: no exercises listed; e.g. {EXAMPLE}")
    return make(data.get("name", DEFAULT_NAME), data["exercises"], data.get("points", {}), where)


def load(path: Path) -> Course:
    """The course in a course file: TOML (`course.toml`), or the JSON a release writes (`course.json`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such course file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot be read as a course file ({error})") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"{path}: not a valid course file ({error})") from None
    return from_settings(data, str(path))


def to_json(course: Course) -> str:
    """The course as the `course.json` a release ships."""
    return json.dumps(course.to_dict(), indent=2) + "\n"


def with_exercises(course: Course, exercises: Sequence[str], where: str = "--exercises") -> Course:
    """`course` narrowed (or widened) to `exercises`, in that order; the points it sets for them are kept."""
    return make(course.name, exercises, {e: p for e, p in course.points.items() if e in exercises}, where)


def of_source(root: Path) -> Course:
    """The course of the instructor's source at `root`: its `course.toml`, else the default."""
    path = Path(root) / layout.SOURCE_COURSE
    return load(path) if path.is_file() else DEFAULT


def active(path: Path | None = None) -> Course:
    """The course in `path` if one is given, else this gradkit's (`layout.course_file()`), else the default."""
    if path is not None:
        return load(Path(path))
    found = layout.course_file()
    return load(found) if found.is_file() else DEFAULT
