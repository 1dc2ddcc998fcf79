"""Grade one submission folder: the graded suite in a child pytest, student code in its sandbox.

The child pytest is the grader's own code (checks, points, results file); it reaches student code
only through `gradkit.batch.plugin`'s proxies. It writes its results into a fresh temporary
folder chosen here, which the sandboxed evaluator cannot open. A submission that makes grading
overrun `Limits.wall_seconds` has its whole process group killed and gets no points, with that
reason.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gradkit.checker.course import Course, active, to_json
from gradkit.checker.impl import read_source
from gradkit.checker.specs import EXERCISES
from gradkit import layout
from gradkit.checker.runner import graded_files, read_outcomes
from gradkit.checker.scoring import Outcome, total
from gradkit.batch import lifetime, zygote
from gradkit.batch.limits import Limits

ROOT = layout.source_root() or layout.PACKAGE.parent  # the child pytest's rootdir
HIDDEN_TESTS = layout.hidden_tests_dir()

GRADED, TIMED_OUT, ERROR, MISSING = "graded", "timed out", "error", "missing"
NOTHING_SUBMITTED = "no files submitted"
ONLY_EMPTY_FILES = "only empty files submitted"


@dataclasses.dataclass
class StudentResult:
    """The grade of one submission, as stored between runs."""

    student: str
    status: str  # GRADED, TIMED_OUT, ERROR or MISSING (none of the course's files: nothing ran)
    outcomes: list[Outcome]
    reason: str = ""  # why status is not GRADED
    seconds: float = 0.0
    fingerprint: str = ""  # of the submission, the suite and the limits: a change means "grade again"
    refused: list[str] = dataclasses.field(default_factory=list)  # what the sandbox refused to the code
    flags: list[str] = dataclasses.field(default_factory=list)  # what the grader saw that is worth a look
    digests: dict[str, str] = dataclasses.field(default_factory=dict)  # file -> sha256 of the graded bytes

    @property
    def score(self) -> float:
        return total(o.score for o in self.outcomes)

    @property
    def max_score(self) -> float:
        return total(o.points for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["outcomes"] = [o.to_dict() for o in self.outcomes]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StudentResult:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{**{k: v for k, v in data.items() if k in known},
                      "outcomes": [Outcome(**o) for o in data["outcomes"]]})


def test_files(include_hidden: bool = True, course: Course | None = None) -> list[Path]:
    """The course's graded tests, then its instructor-only hidden tests when present and wanted (gradkit's own
    course when None)."""
    course = course or active()
    files = graded_files(course=course)
    if include_hidden and HIDDEN_TESTS is not None and HIDDEN_TESTS.is_dir():
        files += [p for p in (HIDDEN_TESTS / f"test_{e}_hidden.py" for e in course.exercises) if p.is_file()]
    return files


def digests(folder: Path, course: Course | None = None) -> dict[str, str]:
    """{file: sha256} of the course's files as every grader reads them (`read_source`: lstat first, size
    capped, never a FIFO or link); a file that is not graded gets its problem instead."""
    found = {}
    for name in (course or active()).exercises:
        file = EXERCISES[name].file
        text, problem, digest = read_source(folder / file)
        found[file] = digest if text is not None else f"not graded: {problem}"
    return found


def nothing_to_grade(folder: Path, course: Course) -> str | None:
    """Why `folder` holds nothing to grade (none of the course's files, or only blank ones), else None."""
    read = [read_source(folder / EXERCISES[name].file) for name in course.exercises]
    if all(problem == "missing" for _, problem, _ in read):
        return NOTHING_SUBMITTED
    if all(problem == "missing" or (text is not None and not text.lstrip("\ufeff").strip())
           for text, problem, _ in read):
        return ONLY_EMPTY_FILES
    return None


def _digest_files(paths: Sequence[Path], hasher: hashlib._Hash) -> None:
    for path in paths:
        hasher.update(path.name.encode())
        if path.is_symlink():
            hasher.update(b"symlink:" + os.fsencode(os.readlink(path)))
        elif path.is_file():
            hasher.update(path.read_bytes())
        else:
            hasher.update(b"missing")


def fingerprint(folder: Path, files: Sequence[Path], limits: Limits, course: Course | None = None) -> str:
    """What a stored grade depends on: the course, its files, the test files, the checker, the limits."""
    course = course or active()
    hasher = hashlib.sha256()
    hasher.update(to_json(course).encode())
    hasher.update(json.dumps(digests(folder, course), sort_keys=True).encode())
    _digest_files(list(files), hasher)
    _digest_files(sorted(layout.checker_dir().glob("*.py")), hasher)
    hasher.update(json.dumps(limits.to_dict(), sort_keys=True).encode())
    return hasher.hexdigest()[:20]


def pytest_args(folder: Path, files: Sequence[Path], json_path: Path, limits: Limits, course_path: Path) -> list[str]:
    """The child pytest's arguments (after ``python -P -m pytest``). Blocked: plugins that grading does not use
    (unraisableexception ends each run with five full garbage collections, a third of a second)."""
    report = json_path.with_name("sandbox.json")
    return [
        *map(str, files), "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:benchmark",
        "-p", "no:unraisableexception", "--rootdir", str(ROOT), "-p", "gradkit.batch.plugin",
        "--gradkit-sandbox", str(folder), "--impl", str(folder), "--gradkit-json", str(json_path),
        "--gradkit-time-limit", str(limits.test_seconds), "--gradkit-limits", json.dumps(limits.to_dict()),
        "--gradkit-sandbox-report", str(report), "--gradkit-course", str(course_path),
    ]


def run_child(args: Sequence[str], *, cwd: Path, env: dict[str, str], output: Path, seconds: float) -> bool:
    """Run the child pytest, a fork of the grading zygote where one runs (`zygote.py`), else a new ``python -P -m
    pytest`` (-P: the submissions folder, its working directory, is not on sys.path, so a student folder named like
    a module cannot shadow one in the grader). Its output goes to `output`. False if it overran `seconds` (then its
    process group was killed)."""
    child = zygote.fork(args, cwd=cwd, env=env, output=output)
    if child is not None:
        try:
            if child.wait(seconds):
                return True
            child.kill()
            return False
        finally:
            child.close()
    with output.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-P", "-m", "pytest", *args], cwd=cwd,
                                   env={**env, lifetime.PARENT_VARIABLE: str(os.getpid())},
                                   stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        process.wait(timeout=seconds)
        return True
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return False


def grade_submission(folder: Path, *, limits: Limits | None = None, files: Sequence[Path] | None = None,
                     student: str | None = None, course: Course | None = None) -> StudentResult:
    """Grade `folder` (the course's files; gradkit's own course when None) and return its outcomes; never raises
    for student behaviour.

    Everything the grading writes (results, the course the child grades, the evaluator's scratch folders where it
    has no tmpfs of its own) lies in one temporary folder, removed when grading ends, however it ends.
    """
    folder = Path(folder).resolve()
    limits = limits or Limits()
    course = course or active()
    files = list(files) if files is not None else test_files(course=course)
    name = student or folder.name
    started = time.monotonic()
    stamp = fingerprint(folder, files, limits, course)
    graded = digests(folder, course)
    nothing = nothing_to_grade(folder, course)
    if nothing:  # no evaluator, no pytest for nothing
        return StudentResult(name, MISSING, [], nothing, time.monotonic() - started, stamp, digests=graded)
    with tempfile.TemporaryDirectory(prefix="gradkit-grade-", ignore_cleanup_errors=True) as tmp:
        json_path = Path(tmp) / "results.json"
        course_path = Path(tmp) / "course.json"  # the child grades exactly this course, whatever its own gradkit has
        course_path.write_text(to_json(course))
        scratch = Path(tmp) / "scratch"
        scratch.mkdir()
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(scratch)}
        output = Path(tmp) / "output.txt"
        args = pytest_args(folder, files, json_path, limits, course_path)
        if not run_child(args, cwd=folder.parent, env=env, output=output, seconds=limits.wall_seconds):
            return StudentResult(name, TIMED_OUT, [], f"grading took longer than {limits.wall_seconds:g} s; "
                                 "stopped", time.monotonic() - started, stamp, digests=graded)
        seconds = time.monotonic() - started
        if not json_path.exists():
            tail = _tail(output)
            return StudentResult(name, ERROR, [], "the grader produced no results: " + " | ".join(tail),
                                 seconds, stamp, digests=graded)
        outcomes = read_outcomes(json_path)
        sandbox = _sandbox_report(json_path.with_name("sandbox.json"))
    return StudentResult(name, GRADED, outcomes, "", seconds, stamp, [str(r)[:200] for r in sandbox["refused"]],
                         _flags(sandbox), graded)


def _tail(output: Path) -> list[str]:
    """The last lines the child pytest printed."""
    try:
        text = output.read_bytes()[-8000:].decode(errors="replace")
    except OSError:
        return ["no output"]
    return text.strip().splitlines()[-3:]


def _sandbox_report(path: Path) -> dict[str, Any]:
    """What the grading process (never the evaluator) recorded about the sandbox."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data = data if isinstance(data, dict) else {}
    seconds = data.get("call_seconds")
    return {k: data.get(k) if isinstance(data.get(k), list) else [] for k in ("refused", "events", "cut")} | {
        "budget_seconds": data.get("budget_seconds"), "call_seconds": seconds if isinstance(seconds, dict) else {}}


def _flags(sandbox: dict[str, Any]) -> list[str]:
    flags = []
    if sandbox["cut"]:
        cut = [str(c) for c in sandbox["cut"]]
        flags.append(f"time budget ({sandbox['budget_seconds']:g} s for all calls) used up: {len(cut)} test(s) cut: "
                     + ", ".join(cut[:8]) + (", ..." if len(cut) > 8 else ""))
    if any("another request" in str(e) for e in sandbox["events"]):
        flags.append("student code wrote to the sandbox's protocol pipe")
    flags += _slow_backward_flags(sandbox["call_seconds"])
    return flags


# A backward costs a few forwards; one computed by finite differences of forward costs two per input entry.
SLOW_BACKWARD_RATIO, SLOW_BACKWARD_SECONDS = 20.0, 0.2


def _slow_backward_flags(call_seconds: dict[str, Any]) -> list[str]:
    """A flag for each class whose backward took far longer than its forward over the whole run (their own
    time in the evaluator): a numerical gradient (finite differences of forward) is likely. Noticed, never
    deducted: it may be honest, and the evaluator's word is the student's word."""
    flags = []
    for key in sorted(call_seconds):
        cls, _, method = str(key).partition(".")
        backward, forward = call_seconds.get(key), call_seconds.get(f"{cls}.forward")
        if method != "backward" or not isinstance(backward, float) or not isinstance(forward, float):
            continue
        if backward > SLOW_BACKWARD_SECONDS and backward > SLOW_BACKWARD_RATIO * max(forward, 1e-3):
            flags.append(f"{cls}.backward took {backward / max(forward, 1e-3):.0f}x the time of forward "
                         f"({backward:.2f} s against {forward:.3f} s in all): a numerical gradient? worth a look")
    return flags


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
