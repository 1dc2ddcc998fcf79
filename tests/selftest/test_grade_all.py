"""`grade-all`: a class graded in parallel into grades.csv and pass rates, re-runs skip, one student alone."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gradkit.batch.limits import Limits
from gradkit.batch.samples import (
    BUGS,
    SOLUTIONS,
    write_bug,
    write_reference,
    write_stubs,
)
from gradkit.batch.scheduler import grade_all
from gradkit.checker.runner import GRADED_DIR
from gradkit.batch.submission import GRADED, MISSING, TIMED_OUT, grade_submission
from gradkit.errors import UserError

BUG = BUGS / "conv_db_averaged_over_batch.py"  # fails the public db check (3 points) and the hidden one (1)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    submissions = base / "submissions"
    write_reference(submissions / "ada")
    write_stubs(submissions / "bob")
    write_bug(submissions / "cy", BUG)
    (submissions / "dan").mkdir()  # handed in nothing
    out = base / "grades.csv"
    summary = grade_all(submissions, out, jobs=2)
    return {"submissions": submissions, "out": out, "summary": summary,
            "results": {r.student: r for r in summary.results}}


def rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def test_every_student_gets_the_points_of_the_tests_they_pass(graded):
    results = graded["results"]
    assert (results["ada"].score, results["ada"].max_score) == (120, 120)  # 100 public + 20 hidden
    assert results["bob"].score == 0
    assert results["cy"].score == 120 - 3 - 1
    assert {o.exercise for o in results["ada"].outcomes} >= {"conv", "conv_hidden", "sgd_momentum_hidden"}


def test_grades_csv_has_totals_exercises_and_every_test(graded):
    table = rows(graded["out"])
    assert set(table) == {"ada", "bob", "cy", "dan"}
    dan = table["dan"]
    assert (dan["status"], dan["score"], dan["max_score"], dan["reason"]) == ("missing", "0", "120",
                                                                              "no files submitted")
    cy = table["cy"]
    assert (cy["status"], cy["score"], cy["max_score"], cy["conv"], cy["conv_hidden"]) == ("graded", "116", "120",
                                                                                            "22", "4")
    assert cy["conv: db_matches_numerical_gradient"] == "0"
    assert cy["conv_hidden: db_on_larger_images"] == "0"
    assert "db" in cy["reason"]
    assert table["bob"]["reason"].startswith("not implemented yet")


def test_pass_rates_put_the_checks_most_students_fail_first(graded):
    with graded["out"].with_name("grades.passrates.csv").open() as handle:
        ranked = list(csv.DictReader(handle))
    assert {ranked[0]["test"], ranked[1]["test"]} == {"conv: db_matches_numerical_gradient",
                                                      "conv_hidden: db_on_larger_images"}
    assert (ranked[0]["passed"], ranked[0]["graded"]) == ("1", "3")
    assert "db" in ranked[0]["most_common_failure"]
    assert all(float(r["pass_rate"]) == pytest.approx(2 / 3, abs=1e-3) for r in ranked[2:])


def test_a_rerun_skips_what_is_graded_and_one_student_can_be_regraded_alone(graded):
    again = grade_all(graded["submissions"], graded["out"], jobs=2)
    assert again.graded_now == [] and sorted(again.skipped) == ["ada", "bob", "cy", "dan"]
    alone = grade_all(graded["submissions"], graded["out"], only=["bob"])
    assert alone.graded_now == ["bob"]
    assert {r.student for r in alone.results} == {"ada", "bob", "cy", "dan"}  # grades.csv still lists everyone
    with pytest.raises(UserError, match="no submission folder for student 'nobody'"):
        grade_all(graded["submissions"], graded["out"], only=["nobody"])


def test_a_changed_submission_is_graded_again_on_the_next_run(graded, tmp_path):
    submissions = tmp_path / "submissions"
    shutil.copytree(graded["submissions"] / "bob", submissions / "bob")
    out = tmp_path / "grades.csv"
    shutil.copytree(graded["out"].with_name("grades.results"), tmp_path / "grades.results")
    (tmp_path / "grades.results" / "ada.json").unlink()
    (tmp_path / "grades.results" / "cy.json").unlink()
    assert grade_all(submissions, out).graded_now == []  # bob's stored grade still fits his files
    shutil.copyfile(SOLUTIONS / "relu.py", submissions / "bob" / "relu.py")
    summary = grade_all(submissions, out)
    assert summary.graded_now == ["bob"]
    assert summary.results[0].score == 10 + 2  # relu's public and hidden points


def test_a_submission_without_files_or_with_only_blank_ones_is_missing_at_once_and_a_partial_one_is_graded(tmp_path):
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "absent"):
        started = time.monotonic()
        result = grade_submission(folder)
        assert time.monotonic() - started < 1.0  # no evaluator, no pytest
        assert (result.status, result.score, result.reason) == (MISSING, 0, "no files submitted")
    blank = tmp_path / "blank"  # files saved before a line was written (a BOM, a newline)
    blank.mkdir()
    (blank / "relu.py").write_bytes(b"\xef\xbb\xbf\n")
    (blank / "conv.py").write_bytes(b"")
    started = time.monotonic()
    result = grade_submission(blank)
    assert time.monotonic() - started < 1.0
    assert (result.status, result.score, result.reason) == (MISSING, 0, "only empty files submitted")
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copyfile(SOLUTIONS / "relu.py", partial / "relu.py")
    result = grade_submission(partial, files=[GRADED_DIR / "test_relu.py"])
    assert (result.status, result.score) == (GRADED, 10)


@pytest.mark.parametrize("namespaces", ["bwrap", "none"])
def test_a_numpy_warning_in_honest_code_is_no_sandbox_refusal(tmp_path, monkeypatch, namespaces):
    """Showing a warning reads its source line: never from the student's file, which the sandbox refuses."""
    if namespaces == "none":
        monkeypatch.setenv("GRADKIT_NO_BWRAP", "1")
    folder = write_reference(tmp_path / "honest")
    softmax = folder / "softmax_ce.py"
    line = "        shifted = scores - scores.max(axis=1, keepdims=True)\n"
    warns = "        np.exp(scores)  # overflows at large scores: a RuntimeWarning, result unused\n"
    softmax.write_text(softmax.read_text().replace(line, warns + line, 1))
    result = grade_submission(folder, files=[GRADED_DIR / "test_softmax_ce.py"])
    assert (result.status, result.score, result.max_score) == (GRADED, 15, 15)
    assert result.refused == []


HONEST_WORK = """
import sys
sys.path.insert(0, sys.argv[1])
import os, tempfile
from gradkit.batch import sandbox

scratch = tempfile.mkdtemp()
if sys.argv[2] == "seccomp":  # the filter alone: NumPy and OpenBLAS (2 threads) start under it
    assert sandbox.seccomp_no_spawn() and sandbox.kill_available(os.uname().machine)
else:
    applied = sandbox.lock_down(scratch)
    assert applied["seccomp"] and applied["seccomp_kills"], applied
import importlib, io, threading
import numpy as np

for name in ("numpy.linalg", "numpy.fft", "numpy.random", "numpy.polynomial", "numpy.ma", "numpy.lib.stride_tricks",
             "math", "itertools", "functools", "collections", "dataclasses", "typing", "time", "copy", "warnings",
             "logging", "inspect", "traceback", "decimal", "fractions", "statistics", "random", "re", "json", "pickle",
             "pathlib", "heapq", "bisect", "operator", "contextlib", "enum", "weakref", "array", "struct", "textwrap",
             "multiprocessing", "concurrent.futures", "uuid", "platform", "hashlib", "secrets", "zlib", "gzip", "csv",
             "datetime", "locale", "timeit", "cProfile", "tracemalloc", "faulthandler", "resource", "signal", "ctypes",
             "unittest", "doctest", "pdb"):
    try:
        importlib.import_module(name)
    except Exception:
        pass
rng = np.random.default_rng(0)
a = rng.standard_normal((300, 300))
spd = a @ a.T + 300 * np.eye(300)
assert np.allclose(np.linalg.inv(spd) @ spd, np.eye(300))
np.linalg.svd(a), np.linalg.eigh(spd), np.linalg.solve(spd, a), np.linalg.cholesky(spd), np.linalg.qr(a)
np.linalg.lstsq(a, a[:, 0], rcond=None), np.linalg.slogdet(spd), np.linalg.eig(a[:50, :50])
np.fft.rfft2(a), np.einsum("ij,jk->ik", a, a, optimize=True), np.lib.stride_tricks.sliding_window_view(a, (3, 3)).sum()
(a.astype(np.float32) @ a.astype(np.float32).T).sum(), np.exp(np.float32(1000)), np.sort(a, kind="stable")
buffer = io.BytesIO()
np.save(buffer, a)
buffer.seek(0)
assert np.array_equal(np.load(buffer), a)
np.save(os.path.join(scratch, "a.npy"), a)
assert np.load(os.path.join(scratch, "a.npy"), mmap_mode="r").sum() == a.sum()
worker = threading.Thread(target=lambda: a @ a)
worker.start()
worker.join()
for use in (lambda: __import__("uuid").uuid4(), lambda: __import__("platform").platform(),
            lambda: __import__("tracemalloc").start(), lambda: __import__("faulthandler").enable(),
            lambda: __import__("concurrent.futures").futures.ThreadPoolExecutor(2).map(abs, [-1, -2]),
            lambda: os.sched_getaffinity(0), lambda: os.cpu_count(), lambda: __import__("resource").getrusage(0)):
    try:
        use()
    except Exception:
        pass


def fork():
    if os.fork() == 0:
        os._exit(0)
    raise AssertionError("fork was allowed")


# What honest code may try and must survive: refused with EPERM by seccomp (or earlier by the audit hook).
import socket, subprocess, multiprocessing
for attempt in (lambda: subprocess.run(["fc-list"], capture_output=True), socket.socket, socket.socketpair, fork,
                os.setsid, lambda: os.setpgid(0, 0), lambda: os.nice(1), lambda: os.pidfd_open(os.getpid()),
                lambda: os.sched_setaffinity(1, {0}), lambda: multiprocessing.Pool(2)):
    try:
        attempt()
    except OSError:
        pass
print("survived", flush=True)
os._exit(0)
"""


@pytest.mark.parametrize("layers", ["seccomp", "all"])
def test_numpy_openblas_and_the_standard_library_never_make_a_call_the_sandbox_kills(tmp_path, layers):
    """seccomp kills the process at calls only an attack makes: honest work (NumPy's linear algebra on OpenBLAS
    threads, the standard library, refused attempts to spawn or open sockets) must never meet one."""
    env = {"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "2", "TMPDIR": str(tmp_path), "LANG": "C.UTF-8"}
    completed = subprocess.run([sys.executable, "-I", "-c", HONEST_WORK, str(Path(__file__).resolve().parents[2]),
                                layers], capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert completed.returncode == 0 and "survived" in completed.stdout, (completed.returncode, completed.stderr[-2000:])


def test_a_submission_over_its_wall_time_gets_nothing_and_says_why(tmp_path):
    folder = write_reference(tmp_path / "slow")
    result = grade_submission(folder, limits=Limits(wall_seconds=1.0))
    assert result.status == TIMED_OUT and result.score == 0
    assert "longer than 1 s" in result.reason


def test_the_command_prints_throughput_and_the_hardest_checks(graded, tmp_path):
    out = tmp_path / "cli.csv"
    shutil.copytree(graded["out"].with_name("grades.results"), tmp_path / "cli.results")
    command = [sys.executable, "-m", "gradkit.cli.main", "grade-all", str(graded["submissions"]), "--out", str(out),
               "--jobs", "2", "--no-progress", "--student", "bob"]
    completed = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert "graded 1 submission(s)" in completed.stdout and "per minute" in completed.stdout
    assert "checks with the lowest pass rate" in completed.stdout
    assert set(rows(out)) == {"ada", "bob", "cy", "dan"}
