"""`grade-all`: grade every submission folder, `jobs` at a time, each in its own processes.

Threads only wait on child processes (the work happens in them), so a thread pool is enough for
parallelism; with a Dask scheduler's address, the submissions are graded on that cluster instead
(`cluster.py`). Each finished grade is stored at once (`store.py`), by this process alone; a re-run
grades only students without a stored grade or whose files, tests or limits changed, unless forced.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from gradkit.batch import report, store
from gradkit.batch.limits import Limits
from gradkit.batch.submission import (
    ERROR,
    StudentResult,
    fingerprint,
    grade_submission,
    test_files,
)
from gradkit.checker.course import Course, active
from gradkit.errors import UserError


@dataclasses.dataclass
class BatchSummary:
    """What one grade-all run did."""

    results: list[StudentResult]  # every student of the folder, graded now or before
    graded_now: list[str]
    skipped: list[str]
    seconds: float

    @property
    def per_minute(self) -> float:
        return 60.0 * len(self.graded_now) / self.seconds if self.seconds > 0 and self.graded_now else 0.0

    @property
    def errors(self) -> list[StudentResult]:
        return [r for r in self.results if r.status == ERROR]


def student_folders(submissions: Path, subfolder: str | None = None) -> dict[str, Path]:
    """{student: folder} for every sub-folder (names starting with '.' or '_' are ignored).

    With `subfolder`, a student's files are in ``<student>/<subfolder>/`` (nbgrader's
    ``autograded/<student>/<assignment>/``); a student without it is kept (graded as missing), unless no
    student has it (then `subfolder` is likely mistyped).
    """
    if not submissions.is_dir():
        raise UserError(f"no submissions folder at {submissions}")
    found = {p.name: p / subfolder if subfolder else p for p in sorted(submissions.iterdir())
             if p.is_dir() and not p.is_symlink() and not p.name.startswith((".", "_"))}
    found = {s: f for s, f in found.items() if not f.is_symlink() and (f.is_dir() or not f.exists())}
    if not any(f.is_dir() for f in found.values()):
        raise UserError(f"{submissions} holds no student folders (one folder per student, each with the exercise files)")
    return found


def plan(folders: dict[str, Path], stored: dict[str, StudentResult | None], files: Sequence[Path], limits: Limits,
         course: Course, *, only: Sequence[str] = (), force: bool = False) -> list[str]:
    """The students to grade now: the named ones (always), else those without an up-to-date grade."""
    if only:
        unknown = [s for s in only if s not in folders]
        if unknown:
            raise UserError(f"no submission folder for student {unknown[0]!r}")
        return list(only)
    return [s for s, folder in folders.items()
            if force or stored[s] is None or stored[s].fingerprint != fingerprint(folder, files, limits, course)]


def graded_here(folders: dict[str, Path], jobs: int, limits: Limits, files: Sequence[Path],
                course: Course) -> Generator[StudentResult, None, None]:
    """Grade `folders` ({student: folder}) in this machine's processes, `jobs` at a time; yields each result as
    it finishes."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(grade_submission, folder, limits=limits, files=files, student=s, course=course)
                   for s, folder in folders.items()]
        for future in as_completed(futures):
            yield future.result()


def grade_all(submissions: Path, out_csv: Path, *, jobs: int = 2, limits: Limits | None = None,
              only: Sequence[str] = (), force: bool = False, include_hidden: bool = True, subfolder: str | None = None,
              course: Course | None = None, progress: Callable[[int], object] | None = None,
              on_result: Callable[[StudentResult], None] | None = None, scheduler: str | None = None) -> BatchSummary:
    """Grade the submissions that need it for `course` (gradkit's own when None), store each grade, write
    grades.csv and the pass rates. With `scheduler` (a Dask scheduler's address) the grading runs on that
    cluster (`cluster.py`) instead of here; the results are the same."""
    limits = limits or Limits()
    course = course or active()
    if threading.current_thread() is threading.main_thread():
        # A file-size limit someone set on this process fails a write with an error; it never kills the run.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    files = test_files(include_hidden, course)
    folders = student_folders(Path(submissions), subfolder)
    directory = store.results_dir(Path(out_csv))
    stored = {s: store.load(directory, s) for s in folders}
    todo = plan(folders, stored, files, limits, course, only=only, force=force)
    started = time.monotonic()
    if scheduler:
        from gradkit.batch import cluster  # Dask only for a cluster run

        graded = cluster.graded_on(scheduler, {s: folders[s] for s in todo}, Path(submissions), limits, course,
                                   include_hidden)
    else:
        graded = graded_here({s: folders[s] for s in todo}, jobs, limits, files, course)
    with contextlib.closing(graded):  # an error here still ends the grading (the pool, the Dask client) at once
        for result in graded:
            store.save(directory, result)
            stored[result.student] = result
            if on_result:
                on_result(result)
            if progress:
                progress(1)
    seconds = time.monotonic() - started
    results = [r for r in stored.values() if r is not None]
    report.write_grades(results, Path(out_csv), course.exercises)
    report.write_pass_rates(results, Path(out_csv).with_name(Path(out_csv).stem + ".passrates.csv"), course.exercises)
    return BatchSummary(results, todo, [s for s in folders if s not in todo], seconds)
