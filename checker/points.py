"""The points of each graded test, read from the test files: `@pytest.mark.points(n)` is the one place
a point value is written, and every surface (pytest, `gradkit grade`, READMEs, nbgrader, `grade-all`)
reads it from here. Read by parsing, never by importing, so no test module runs to count points.

A course may give an exercise another public total (`checker/course.py`): each of the exercise's tests, public
and instructor-only, is then worth its declared points times the same factor, the course's total over the
declared one, so the tests keep their weights and the exercise sums to what the course says.
"""

from __future__ import annotations

import ast
import math
from fractions import Fraction
from pathlib import Path

from gradkit import layout
from gradkit.checker.course import Course
from gradkit.checker.scoring import HIDDEN_SUFFIX
from gradkit.errors import UserError


def declared(path: Path) -> dict[str, float]:
    """{test function name: points} of the `points`-marked tests in one test file."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    found = {}
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "points" and decorator.args:
                found[node.name] = float(ast.literal_eval(decorator.args[0]))
    return found


def declared_public(exercise: str) -> float:
    """The sum of the points declared on `exercise`'s public graded tests."""
    return math.fsum(declared(layout.graded_tests_dir() / f"test_{exercise}.py").values())


def factor(exercise: str, course: Course) -> Fraction:
    """What `course` multiplies the declared points of `exercise`'s tests by (1 unless it sets the exercise's
    points). `exercise` may be an outcome's "<name>_hidden": the instructor-only tests of <name>."""
    name = exercise.removesuffix(HIDDEN_SUFFIX)
    if name not in course.points:
        return Fraction(1)
    own = declared_public(name)
    if own <= 0:
        raise UserError(f"{name}: its graded tests declare no points, so a course cannot scale them")
    # A fraction, so each test's points are rounded once (never the factor first): their sum (math.fsum) comes out
    # at the course's total.
    return Fraction(course.points[name]) / Fraction(own)


def scaled(points: float, exercise: str, course: Course) -> float:
    """The points a test of `exercise` that declares `points` is worth in `course`."""
    return float(Fraction(points) * factor(exercise, course))


def public_points(exercise: str, course: Course) -> float:
    """Total points of `exercise`'s public graded tests in `course`."""
    return course.points[exercise] if exercise in course.points else declared_public(exercise)


def hidden_points(exercise: str, course: Course) -> float:
    """Total points of `exercise`'s instructor-only tests in `course` (0 where they are not present)."""
    folder = layout.hidden_tests_dir()
    path = folder / f"test_{exercise}{HIDDEN_SUFFIX}.py" if folder is not None else None
    if path is None or not path.is_file():
        return 0.0
    return math.fsum(scaled(p, exercise, course) for p in declared(path).values())
