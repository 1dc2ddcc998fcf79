"""Run the graded suite in a child process and read back its outcomes.

`gradkit grade` and `gradkit check` grade through this one function, so every caller runs the same checks
with the same points. The child is plain `python -m pytest tests/graded/... --impl SPEC --gradkit-json FILE`;
it grades gradkit's own course (`checker.course.active`), the one `graded_files` checks names against.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from gradkit import layout
from gradkit.checker.course import Course, active, to_json
from gradkit.checker.scoring import Outcome, total
from gradkit.checker.specs import EXERCISES

GRADED_DIR = layout.graded_tests_dir()
# The source repository (its pytest config) in a clone; the graded tests' own folder in an installed wheel.
ROOTDIR = layout.source_root() or GRADED_DIR


@dataclasses.dataclass
class SuiteRun:
    """What one run of the graded suite produced."""

    outcomes: list[Outcome]
    returncode: int
    output: str  # pytest's terminal output (stdout and stderr)

    @property
    def score(self) -> float:
        return total(o.score for o in self.outcomes)

    @property
    def max_score(self) -> float:
        return total(o.points for o in self.outcomes)


def graded_files(exercises: Sequence[str] | None = None, course: Course | None = None) -> list[Path]:
    """The graded test modules of `exercises` (the whole course when None), which must be exercises of `course`
    (gradkit's own course when None, the one the child pytest grades)."""
    course = course or active()
    names = list(exercises) if exercises else list(course.exercises)
    for name in names:
        if name not in course.exercises:
            problem = f"{name!r} is not an exercise of this course" if name in EXERCISES else f"unknown exercise {name!r}"
            raise ValueError(f"{problem}; choose from {', '.join(course.exercises)}")
    return [GRADED_DIR / f"test_{name}.py" for name in names]


def pytest_command(impl: str, exercises: Sequence[str] | None, json_path: Path, extra: Sequence[str] = (),
                   course: Course | None = None, course_path: Path | None = None) -> list[str]:
    """The child pytest's command line; with `course`, that course (written to `course_path`) is graded."""
    files = [str(p) for p in graded_files(exercises, course)]
    chosen = ["--gradkit-course", str(course_path)] if course is not None and course_path is not None else []
    # -P: the working directory (often the student's folder) is not put on sys.path, so no file there
    # (a `gradkit.py`, a `numpy.py`) can stand in for a module the grader imports.
    return [sys.executable, "-P", "-m", "pytest", *files, "--impl", impl, "--gradkit-json", str(json_path),
            "-p", "no:cacheprovider", "--rootdir", str(ROOTDIR), *chosen, *extra]


def run_suite(impl: str, exercises: Sequence[str] | None = None, *, extra: Sequence[str] = (),
              timeout: float | None = None, capture: bool = True, env: dict[str, str] | None = None,
              json_out: Path | None = None, course: Course | None = None, fork: bool = False) -> SuiteRun:
    """Run the graded suite on `impl` in a child process; outcomes come from its results file.

    With `capture=False` pytest's output goes straight to the terminal; `json_out` keeps a copy of
    the Gradescope-format results file; `course` grades that course instead of gradkit's own. With `fork`,
    for callers that run the suite many times (the kit's own tests, benchmarks), the child is a fork of the
    grading zygote (`gradkit.batch.zygote`), which has imported pytest, hypothesis and NumPy once: about a
    second of CPU less per run. Its return code is then read from the outcomes (0 all passed, 1 some failed,
    2 none came back), as the zygote's children are not this process's own.
    """
    with tempfile.TemporaryDirectory(prefix="gradkit-") as tmp:
        json_path = Path(json_out) if json_out else Path(tmp) / "results.json"
        course_path = Path(tmp) / "course.json"
        if course is not None:
            course_path.write_text(to_json(course), encoding="utf-8")
        command = pytest_command(impl, exercises, json_path, extra, course, course_path)
        forked = _forked(command, Path(tmp) / "output.txt", env or os.environ.copy(), timeout) if fork and capture \
            else None
        if forked is None:
            completed = subprocess.run(
                command, capture_output=capture, text=True, timeout=timeout, env=env or os.environ.copy(),
                cwd=os.getcwd(), stdin=subprocess.DEVNULL,
            )
            forked = (completed.stdout or "") + (completed.stderr or "") if capture else "", completed.returncode
        outcomes = read_outcomes(json_path) if json_path.exists() else []
    output, returncode = forked
    if returncode is None:
        returncode = 2 if not outcomes else 0 if all(o.passed for o in outcomes) else 1
    return SuiteRun(outcomes, returncode, output)


def _forked(command: list[str], output: Path, env: dict[str, str],
            timeout: float | None) -> tuple[str, int | None] | None:
    """`command` (python -P -m pytest ...) run as a fork of the grading zygote: (its output, None), or None where no
    zygote runs. Raises subprocess.TimeoutExpired, as subprocess.run does, if it overran `timeout`."""
    from gradkit.batch.submission import run_child  # the batch grader's; imported only by callers that fork

    if command[1:4] != ["-P", "-m", "pytest"]:
        return None
    from gradkit.batch import zygote
    if not zygote.available():
        return None
    finished = run_child(command[4:], cwd=Path.cwd(), env=env, output=output, seconds=timeout or 3600.0)
    if not finished:
        raise subprocess.TimeoutExpired(command, timeout or 3600.0)
    return output.read_text(errors="replace"), None


def read_outcomes(path: Path) -> list[Outcome]:
    """Outcomes back from a Gradescope results file written by the plugin."""
    data = json.loads(Path(path).read_text())
    return [Outcome(**o) for o in data.get("gradkit_outcomes", [])]
