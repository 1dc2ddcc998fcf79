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
from collections.abc import Iterable
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


def totals(outcomes: Iterable[Outcome]) -> dict[str, tuple[float, float]]:
    """{exercise: (score, max)} in the contract's order, for the exercises that have outcomes."""
    found: dict[str, list[float]] = {}
    for o in outcomes:
        score = found.setdefault(o.exercise, [0.0, 0.0])
        score[0] += o.score
        score[1] += o.points
    order = [e for e in EXERCISES if e in found] + sorted(set(found) - set(EXERCISES))
    return {e: (found[e][0], found[e][1]) for e in order}


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
            found[part] = (sum(o.score for o in mine), sum(o.points for o in mine))
    found["total"] = (sum(s for s, _ in found.values()), sum(m for _, m in found.values()))
    return found


def score_table(outcomes: list[Outcome]) -> str:
    """Lines such as `conv          18/25   failed: dW, db`, then the total."""
    rows = []
    for exercise, (score, most) in totals(outcomes).items():
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


def gradescope_results(outcomes: list[Outcome], execution_time: float | None = None) -> dict[str, Any]:
    """The Gradescope autograder format: `tests[]` with name, score, max_score, output; the total score."""
    results: dict[str, Any] = {
        "score": sum(o.score for o in outcomes),
        "max_score": sum(o.points for o in outcomes),
        "tests": [
            {
                "name": f"{o.exercise}: {o.short_name}",
                "score": o.score,
                "max_score": o.points,
                "status": "passed" if o.passed else "failed",
                "output": o.message,
            }
            for o in outcomes
        ],
        "output": score_table(outcomes),
        # Not read by Gradescope: the outcomes themselves, so other gradkit tools can re-read them.
        "gradkit_outcomes": [o.to_dict() for o in outcomes],
    }
    if execution_time is not None:
        results["execution_time"] = round(execution_time, 2)
    return results
