"""Gradescope's `run_autograder`: grade one uploaded submission, sandboxed, into Gradescope's results.json.

Run as ``python -P -m gradkit.batch.gradescope [--root DIR]`` by the `run_autograder` that `gradkit gradescope`
writes. The folders are Gradescope's, below the root (``--root``, else ``$GRADKIT_AUTOGRADER_ROOT``, else
``/autograder``), so the same command runs anywhere::

    source/hidden/test_<exercise>_hidden.py   the instructor-only tests (from the autograder zip)
    submission/                               what the student uploaded (files loose, or in folders)
    results/results.json                      written here

The course and its public graded tests are those of the installed gradkit (the wheel in the zip). The course's
files are found in the upload however it is laid out (`uploads`), copied under their proper names, and graded by
`grade_submission`: a child pytest reaches the student's code only through the sandboxed evaluator, and this
process, which writes results.json, never imports it. An upload without any of the course's files, or one whose
grading failed or ran out of time, gets every test at 0 with the reason, never a crash.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gradkit.batch import namespaces
from gradkit.batch.limits import Limits
from gradkit.batch.submission import GRADED, MISSING, StudentResult, grade_submission
from gradkit.batch.uploads import Found, find_exercise_files, stage
from gradkit.checker.course import Course, active
from gradkit.checker.points import declared, scaled
from gradkit.checker.runner import graded_files
from gradkit.checker.scoring import HIDDEN_SUFFIX, Outcome, gradescope_results, score_table, total
from gradkit.checker.specs import EXERCISES

DEFAULT_ROOT = "/autograder"
ROOT_VARIABLE = "GRADKIT_AUTOGRADER_ROOT"
# Gradescope stops a run after 10 minutes unless the assignment allows more: stop grading before that, so the
# student gets a results.json that says why.
DEFAULT_WALL_SECONDS = 480.0


def hidden_test_files(folder: Path, course: Course) -> list[Path]:
    """The instructor-only test files of the course's exercises that `folder` holds, in the course's order."""
    return [p for p in (Path(folder) / f"test_{e}{HIDDEN_SUFFIX}.py" for e in course.exercises) if p.is_file()]


def unrun_outcomes(files: Sequence[Path], course: Course, message: str) -> list[Outcome]:
    """Every graded test of `files` at 0 points with `message`: what a submission that could not be graded gets,
    so results.json still lists each test and the total it was out of (points read, never imported)."""
    outcomes = []
    for path in files:
        exercise = path.stem.removeprefix("test_")
        for name, points in declared(path).items():
            outcomes.append(Outcome(exercise, name, scaled(points, exercise, course), False, message, "failed"))
    return outcomes


def upload_notes(found: dict[str, Found], course: Course) -> list[str]:
    """Lines for the student: which file was graded for each exercise where it was not where expected, and which
    files were not found."""
    notes = []
    for exercise in course.exercises:
        name = EXERCISES[exercise].file
        picked = found.get(name)
        if picked is None:
            notes.append(f"{name}: not found in your upload (name it {name})")
        elif picked.shown != name:
            notes.append(f"{name}: graded {picked.shown}")
    return notes


def results_for(result: StudentResult, course: Course, files: Sequence[Path], notes: Sequence[str]) -> dict[str, Any]:
    """Gradescope's results.json for one graded submission; a submission that was not graded (status MISSING,
    TIMED_OUT or ERROR) gets each test of `files` at 0 with the reason."""
    if result.status == GRADED:
        results = gradescope_results(result.outcomes, result.seconds, course.exercises)
        results["output"] = "\n".join([*notes, results["output"]]).strip("\n")
        return results
    wanted = ", ".join(EXERCISES[e].file for e in course.exercises)
    reason = (f"{result.reason}: upload {wanted} (loose, or together in one folder)" if result.status == MISSING
              else f"not graded: {result.reason}")
    results = gradescope_results(unrun_outcomes(files, course, reason), result.seconds, course.exercises)
    results["output"] = "\n".join([*notes, reason])  # no table: every test failed for this one reason
    return results


def grade_upload(root: Path, limits: Limits, course: Course | None = None) -> dict[str, Any]:
    """Grade `root`/submission with the course's graded tests and `root`/source/hidden's instructor-only ones,
    write `root`/results/results.json and return it."""
    course = course or active()
    files = [*graded_files(course=course), *hidden_test_files(root / "source" / "hidden", course)]
    wanted = [EXERCISES[e].file for e in course.exercises]
    found = find_exercise_files(root / "submission", wanted) if (root / "submission").is_dir() else {}
    with tempfile.TemporaryDirectory(prefix="gradkit-upload-") as tmp:
        staged = Path(tmp) / "submission"  # messages then name "submission/conv.py"
        stage(found, staged)
        result = grade_submission(staged, limits=limits, files=files, student="submission", course=course)
    results = results_for(result, course, files, upload_notes(found, course) if found else [])
    _report(result, course)
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, out)
    return results


def _report(result: StudentResult, course: Course) -> None:
    """What the instructor sees in Gradescope's stdout (hidden from students): the whole table, the sandbox."""
    print(f"gradkit: course {course.name}, {result.status} in {result.seconds:.1f} s; sandbox: {namespaces.status()[1]}")
    if result.outcomes:
        print(score_table(result.outcomes, course.exercises))
    for line in [result.reason, *result.flags, *(f"sandbox refused: {r}" for r in result.refused)]:
        if line:
            print(line)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gradkit.batch.gradescope",
                                     description="Grade a Gradescope submission into results/results.json.")
    parser.add_argument("--root", type=Path, default=Path(os.environ.get(ROOT_VARIABLE) or DEFAULT_ROOT),
                        help=f"the folder holding source/, submission/ and results/ (default: ${ROOT_VARIABLE}, "
                             f"else {DEFAULT_ROOT})")
    parser.add_argument("--wall-seconds", type=float, default=DEFAULT_WALL_SECONDS,
                        help="stop grading after this long, with that reason (default: %(default)s)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    results = grade_upload(args.root.resolve(), Limits(wall_seconds=args.wall_seconds))
    most = total(t["max_score"] for t in results["tests"])
    print(f"wrote {args.root / 'results' / 'results.json'}: {results['score']:g}/{most:g} "
          f"in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
