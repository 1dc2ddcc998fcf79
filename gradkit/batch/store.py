"""One JSON file per graded student, next to grades.csv, so a re-run skips what is already graded.

``grades.csv`` -> ``grades.results/<student>.json``. Files are written atomically (temporary file,
then rename), so an interrupted run never leaves half a grade. Only the grade-all process writes
here; the sandboxed evaluator cannot open this folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from gradkit.batch.submission import StudentResult


def results_dir(out_csv: Path) -> Path:
    return out_csv.with_name(out_csv.stem + ".results")


def _path(directory: Path, student: str) -> Path:
    return directory / f"{student}.json"


def load(directory: Path, student: str) -> StudentResult | None:
    """The stored result of `student`, or None when there is none (or it is unreadable)."""
    path = _path(directory, student)
    try:
        return StudentResult.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def save(directory: Path, result: StudentResult) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = _path(directory, result.student)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{result.student}.", suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        json.dump(result.to_dict(), handle, indent=1)
    os.replace(tmp, target)
    return target
