"""The class's grades as CSV files: one row per student, and the pass rate of every check.

``grades.csv``: student, status, score, max_score (public + instructor-only), public, public_max, instructor,
instructor_max, one column per exercise, one per test (points
earned), the reason a submission was not graded or its first failure (real mistakes before "not
implemented yet"), flags the grader saw (time budget used up and the tests it cut, a file identical to
a classmate's or to the reference solution: possible copying; writing to the protocol pipe), and what
the sandbox refused to its code (reading solutions, starting processes: worth a look). Every cell that
a spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return) is
prefixed with a quote.
``grades.passrates.csv``: per test, how many students passed it, worst first, with the most
common failure message: the checks most students fail (an unclear instruction or a bad test).
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from gradkit import layout
from gradkit.checker.impl import read_source
from gradkit.checker.specs import EXERCISES
from gradkit.checker.scoring import HIDDEN_SUFFIX, NOT_IMPLEMENTED, Outcome, exercise_rank, total
from gradkit.batch.submission import GRADED, MISSING, StudentResult


def test_columns(results: Sequence[StudentResult], order: Sequence[str] = ()) -> list[tuple[str, str, float]]:
    """(exercise, test name, points) of every test seen, in the course's `order` (hidden tests after their
    exercise's public ones), then first appearance."""
    seen: dict[tuple[str, str], float] = {}
    for result in results:
        for o in result.outcomes:
            seen.setdefault((o.exercise, o.name), o.points)
    first = {key: i for i, key in enumerate(seen)}
    keys = sorted(seen, key=lambda k: (exercise_rank(k[0], order), first[k]))
    return [(e, n, seen[(e, n)]) for e, n in keys]


def column_name(exercise: str, name: str) -> str:
    """ "conv: dW_matches_numerical_gradient", "conv_hidden: dW_on_larger_images"."""
    short = name.removeprefix("test_")
    for prefix in (exercise + "_", exercise.removesuffix("_hidden") + "_"):
        short = short.removeprefix(prefix)
    return f"{exercise}: {short}"


_NUMBER = re.compile(r"-?\d+(\.\d+)?(e[-+]?\d+)?")


def safe_cell(value: object) -> object:
    """A CSV cell no spreadsheet runs: text starting with = + - @ (or tab, CR) gets a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in row]


def _known_digests() -> dict[str, dict[str, str]]:
    """{file: {digest: what}} for the kit's stubs (not a sign of anything) and the reference solution."""
    known: dict[str, dict[str, str]] = {}
    folders = [(layout.stubs_dir(), "stub"), (layout.solutions_dir(), "the reference solution")]
    for exercise in EXERCISES.values():
        for folder, what in folders:
            if folder is None:
                continue
            text, _, digest = read_source(folder / exercise.file)
            if text is not None:
                known.setdefault(exercise.file, {})[digest] = what
    return known


def copy_flags(results: Sequence[StudentResult]) -> dict[str, list[str]]:
    """{student: flags} for files identical (same SHA-256) to a classmate's or to the reference solution."""
    known = _known_digests()
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    for result in results:
        for file, digest in result.digests.items():
            if len(digest) == 64:
                owners[(file, digest)].append(result.student)
    same: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))  # student -> whom -> files
    for (file, digest), students in sorted(owners.items()):
        what = known.get(file, {}).get(digest)
        if what == "stub":
            continue
        for student in students:
            others = [s for s in students if s != student]
            if what:
                same[student][what].append(file)
            if others:
                whom = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
                same[student][f"{whom}'s"].append(file)
    return {student: [f"possible copying: {', '.join(files)} identical to {whom}" for whom, files in found.items()]
            for student, found in same.items()}


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _number(x: float) -> str:
    return f"{x:g}"


def write_grades(results: Sequence[StudentResult], path: Path, order: Sequence[str] = ()) -> Path:
    """The wide table: one row per student (sorted), per-exercise totals and per-test points, exercises in the
    course's `order`."""
    columns = test_columns(results, order)
    exercises = sorted({e for e, _, _ in columns}, key=lambda e: exercise_rank(e, order))
    path.parent.mkdir(parents=True, exist_ok=True)
    copies = copy_flags(results)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_safe_row(["student", "status", "score", "max_score", "public", "public_max",
                                   "instructor", "instructor_max", *exercises,
                                   *(column_name(e, n) for e, n, _ in columns), "reason", "flags",
                                   "sandbox_refused"]))
        full = total(p for _, _, p in columns)
        public_max = total(p for e, _, p in columns if not e.endswith(HIDDEN_SUFFIX))
        for result in sorted(results, key=lambda r: r.student):
            mine = {(o.exercise, o.name): o for o in result.outcomes}
            per_exercise = [_number(total(o.score for o in result.outcomes if o.exercise == e)) for e in exercises]
            per_test = [_number(mine[(e, n)].score) if (e, n) in mine else "0" for e, n, _ in columns]
            failed = [o for o in result.outcomes if not o.passed]
            attempted = [o for o in failed if o.status != NOT_IMPLEMENTED] or failed  # real mistakes first
            reason = result.reason or (_first_line(attempted[0].message) if attempted else "")
            flags = [*result.flags, *copies.get(result.student, [])]
            public = total(o.score for o in result.outcomes if not o.instructor_only)
            writer.writerow(_safe_row([result.student, result.status, _number(result.score), _number(full),
                                       _number(public), _number(public_max), _number(result.score - public),
                                       _number(full - public_max), *per_exercise, *per_test, reason, "; ".join(flags), "; ".join(result.refused)]))
    return path


def pass_rates(results: Sequence[StudentResult], order: Sequence[str] = ()) -> list[dict[str, object]]:
    """Per test: points, passed, graded, rate, most common failure; the lowest pass rate first (ties in the
    course's `order`)."""
    rows = []
    graded = [r for r in results if (r.outcomes or r.status != GRADED) and r.status != MISSING]
    for exercise, name, points in test_columns(results, order):
        outcomes: list[Outcome] = []
        for result in graded:  # messages name the student's folder: drop it so equal failures count together
            outcomes += [dataclasses.replace(o, message=o.message.replace(f"{result.student}/", ""))
                         for o in result.outcomes if (o.exercise, o.name) == (exercise, name)]
        missing = sum(1 for r in graded if not any((o.exercise, o.name) == (exercise, name) for o in r.outcomes))
        passed = sum(o.passed for o in outcomes)
        total = len(outcomes) + missing
        failed = [o for o in outcomes if not o.passed and o.message]
        attempted = [o for o in failed if o.status != NOT_IMPLEMENTED] or failed  # real mistakes first
        failures = Counter(_first_line(o.message) for o in attempted)
        rows.append({
            "test": column_name(exercise, name), "exercise": exercise, "points": points, "passed": passed,
            "graded": total, "pass_rate": passed / total if total else 0.0,
            "most_common_failure": failures.most_common(1)[0][0] if failures else "",
        })
    return sorted(rows, key=lambda r: (r["pass_rate"], exercise_rank(str(r["exercise"]), order)))


def write_pass_rates(results: Sequence[StudentResult], path: Path, order: Sequence[str] = ()) -> Path:
    rows = pass_rates(results, order)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["test", "exercise", "points", "passed", "graded", "pass_rate",
                                                    "most_common_failure"])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: safe_cell(v) for k, v in {**row, "pass_rate": f"{row['pass_rate']:.3f}"}.items()})
    return path


def pass_rate_table(results: Sequence[StudentResult], limit: int = 10, order: Sequence[str] = ()) -> str:
    """The `limit` checks with the lowest pass rate, as text for the terminal."""
    rows = pass_rates(results, order)[:limit]
    if not rows:
        return ""
    width = max(len(str(r["test"])) for r in rows)
    lines = [f"{'check':<{width}}  passed  most common failure"]
    for r in rows:
        share = f"{r['passed']}/{r['graded']}"
        lines.append(f"{r['test']:<{width}}  {share:>6}  {str(r['most_common_failure'])[:70]}")
    return "\n".join(lines)
