"""From test outcomes to scores: the per-exercise table and Gradescope's results.json.

One score model everywhere: the public checks (`tests/graded`, what students run) and the
instructor-only checks (`tests/hidden`, outcomes of exercise "<name>_hidden") are reported as two
parts, and the total is their sum. Students' own runs hold only the public part; `grade-all`,
nbgrader and Gradescope run both and report the same public, instructor and total numbers.

Pure functions over plain data, so a process that never imports student code (batch grading)
can use them on outcomes it read from a file.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from typing import Any

from gradkit.checker.specs import EXERCISES

NOT_IMPLEMENTED = "not implemented"
HIDDEN_SUFFIX = "_hidden"


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One graded test: what it is worth and how it went."""

    exercise: str
    name: str  # the test function's name
    points: float
    passed: bool
    message: str = ""  # the failure message ("" when passed)
    status: str = "passed"  # "passed", "failed" or NOT_IMPLEMENTED
    tensor: str | None = None  # the wrong tensor the failure names ("dx", "dW", "out", ...), if any
    hint: str | None = None  # the id of the mistake the feedback explains ("flip", "scale", ...), if any

    @property
    def score(self) -> float:
        return self.points if self.passed else 0.0

    @property
    def instructor_only(self) -> bool:
        """An instructor-only check (tests/hidden): its exercise is "<name>_hidden"."""
        return self.exercise.endswith(HIDDEN_SUFFIX)

    @property
    def short_name(self) -> str:
        return self.name.removeprefix("test_").removeprefix(f"{self.exercise}_")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def total(points: Iterable[float]) -> float:
    """A sum of points that stays exact where it can: a course's scaled points (2.4, 3.6, ...) add up to its total."""
    return math.fsum(points)


def exercise_rank(exercise: str, order: Sequence[str] = ()) -> tuple[int, str]:
    """Sort key of an outcome's exercise: the course's `order`, then the registry's, then by name; an exercise's
    instructor-only tests ("conv_hidden") right after its public ones."""
    known = [*order, *(e for e in EXERCISES if e not in order)]
    base = exercise.removesuffix(HIDDEN_SUFFIX)
    return (known.index(base) * 2 + (exercise != base) if base in known else len(known) * 2, exercise)


def totals(outcomes: Iterable[Outcome], order: Sequence[str] = ()) -> dict[str, tuple[float, float]]:
    """{exercise: (score, max)} in the course's `order` (`exercise_rank`), for the exercises that have outcomes."""
    outcomes = list(outcomes)
    found = sorted({o.exercise for o in outcomes}, key=lambda e: exercise_rank(e, order))
    return {e: (total(o.score for o in outcomes if o.exercise == e), total(o.points for o in outcomes if o.exercise == e))
            for e in found}


def _number(x: float) -> str:
    return f"{x:g}"


def parts(outcomes: Iterable[Outcome]) -> dict[str, tuple[float, float]]:
    """{"public": (score, max), "instructor": (score, max), "total": (score, max)}; without
    instructor-only outcomes, only "public" and "total" (equal)."""
    outcomes = list(outcomes)
    found = {}
    for part, mine in (("public", [o for o in outcomes if not o.instructor_only]),
                       ("instructor", [o for o in outcomes if o.instructor_only])):
        if mine or part == "public":
            found[part] = (total(o.score for o in mine), total(o.points for o in mine))
    found["total"] = (total(o.score for o in outcomes), total(o.points for o in outcomes))
    return found


def score_table(outcomes: list[Outcome], order: Sequence[str] = ()) -> str:
    """Lines such as `conv          18/25   failed: dW, db` (in the course's `order`), then the total."""
    rows = []
    for exercise, (score, most) in totals(outcomes, order).items():
        mine = [o for o in outcomes if o.exercise == exercise]
        stubbed = sorted({o.message.split(" (")[0] for o in mine if o.status == NOT_IMPLEMENTED})
        failed = [o.short_name for o in mine if not o.passed and o.status != NOT_IMPLEMENTED]
        note = "; ".join(stubbed)
        if failed:
            note += ("; " if note else "") + "failed: " + ", ".join(failed)
        rows.append(f"{exercise:<14}{_number(score):>4}/{_number(most):<5} {note}".rstrip())
    found = parts(outcomes)
    if "instructor" in found:
        for part in ("public", "instructor"):
            score, most = found[part]
            rows.append(f"{part:<14}{_number(score):>4}/{_number(most)}")
    score, most = found["total"]
    rows.append(f"{'total':<14}{_number(score):>4}/{_number(most)}")
    return "\n".join(rows)


# Gradescope's visibility of a test: public checks at once, instructor-only ones when the instructor publishes grades.
VISIBLE, AFTER_PUBLISHED = "visible", "after_published"


def gradescope_results(outcomes: list[Outcome], execution_time: float | None = None,
                       order: Sequence[str] = ()) -> dict[str, Any]:
    """Gradescope's results.json, its documented keys only: `tests[]` with name, score, max_score, status, output
    (the failure message, as pytest prints it) and visibility; the total score (the maximum is the tests' sum); as
    output the score table of the public checks. Students see instructor-only checks once grades are published,
    so the table, which they see at once, gives those checks' total alone."""
    public = [o for o in outcomes if not o.instructor_only]
    output = score_table(public, order) if public else ""
    hidden = total(o.points for o in outcomes if o.instructor_only)
    if hidden:
        output += f"\ninstructor-only checks: {_number(hidden)} more points, shown when grades are published"
    results: dict[str, Any] = {
        "score": total(o.score for o in outcomes),
        "output": output.strip("\n"),
        "output_format": "text",  # messages hold `_` and `*`: markdown or html would mangle them
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": f"{o.exercise}: {o.short_name}",
                "score": o.score,
                "max_score": o.points,
                "status": "passed" if o.passed else "failed",
                "output": o.message,
                "output_format": "text",
                "visibility": AFTER_PUBLISHED if o.instructor_only else VISIBLE,
            }
            for o in outcomes
        ],
    }
    if execution_time is not None:
        results["execution_time"] = round(execution_time, 2)
    return results
