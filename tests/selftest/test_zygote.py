"""The grading zygote: a fork grades a submission exactly as a new process does, in the submission's own folder,
environment and limits, and a fork over its wall time is killed without a trace; a failed check is reported by its
message, never by pytest's long traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import processes
import pytest

from gradkit.batch import zygote
from gradkit.batch.limits import Limits
from gradkit.batch.samples import BUGS, write_bug, write_reference, write_stubs
from gradkit.batch.submission import GRADED, TIMED_OUT, grade_submission
from gradkit.checker import grading
from gradkit.checker.results import CheckFailure
from gradkit.checker.runner import GRADED_DIR
from gradkit.layout import PACKAGE, hidden_tests_dir

pytestmark = pytest.mark.skipif(not zygote.available(), reason="the zygote needs Linux >= 5.3 (pidfd)")
CONV = [GRADED_DIR / "test_conv.py", hidden_tests_dir() / "test_conv_hidden.py"]


def _forks(monkeypatch) -> list[object]:
    """Record what `zygote.fork` returns to the grader (a Child, or None: no zygote, a new process instead)."""
    seen, fork = [], zygote.fork

    def recording(*args, **kwargs):
        seen.append(fork(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(zygote, "fork", recording)
    return seen


def _children(pid: int) -> list[str]:
    with open(f"/proc/{pid}/task/{pid}/children") as handle:
        return handle.read().split()


def test_a_fork_of_the_zygote_grades_like_a_new_process(tmp_path, monkeypatch):
    folder = write_bug(tmp_path / "submissions" / "cy", BUGS / "conv_db_averaged_over_batch.py")
    forks = _forks(monkeypatch)
    forked = grade_submission(folder, files=CONV)
    monkeypatch.setenv("GRADKIT_NO_ZYGOTE", "1")
    plain = grade_submission(folder, files=CONV)
    assert isinstance(forks[0], zygote.Child) and forks[1] is None
    assert (forked.status, forked.score, forked.max_score) == (GRADED, 22 + 4, 30)
    assert [o.to_dict() for o in forked.outcomes] == [o.to_dict() for o in plain.outcomes]
    assert (forked.refused, forked.flags, forked.digests) == (plain.refused, plain.flags, plain.digests)


def test_the_suite_run_forked_reports_what_a_new_process_reports(tmp_path, monkeypatch):
    """`run_suite(..., fork=True)` (the kit's own tests and benchmarks) gives the outcomes, messages and return code
    of the command line, and really forks (a zygote child, not a new process)."""
    from gradkit.checker.runner import run_suite

    forks = _forks(monkeypatch)
    folder = write_bug(tmp_path / "bug", BUGS / "conv_db_averaged_over_batch.py")
    runs = [run_suite(str(folder), ["conv"], fork=fork) for fork in (False, True)]
    assert [f for f in forks if f is not None], "run_suite(fork=True) started a new process instead"
    assert runs[0].outcomes and [(o.short_name, o.passed, o.message) for o in runs[0].outcomes] == [
        (o.short_name, o.passed, o.message) for o in runs[1].outcomes]
    assert runs[0].returncode == runs[1].returncode == 1


def test_a_fork_runs_in_the_submission_s_environment_and_temporary_folder(tmp_path, monkeypatch):
    """Without bubblewrap the evaluator's scratch folder is made by the fork, under the $TMPDIR grading gives it
    (inside this grading's temporary folder), not under the zygote's."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setenv("GRADKIT_NO_BWRAP", "1")
    folder = write_stubs(tmp_path / "submissions" / "where")
    (folder / "relu.py").write_text("import os\n\n\nclass ReLU:\n    def __init__(self):\n"
                                    "        raise NotImplementedError('in ' + os.getcwd())\n")
    forks = _forks(monkeypatch)
    result = grade_submission(folder, files=[GRADED_DIR / "test_relu.py"])
    assert isinstance(forks[0], zygote.Child)
    scratch = Path(result.outcomes[0].message.split("(in ")[-1].rstrip(")"))
    # <TMPDIR>/gradkit-grade-*/scratch/gradkit-sandbox-*: this grading's folder, removed when it ended
    assert (scratch.parent.name, scratch.parents[2]) == ("scratch", temporary), result.outcomes[0].message
    assert list(temporary.iterdir()) == []


def test_a_fork_over_its_wall_time_is_killed_and_the_zygote_serves_on(tmp_path, monkeypatch):
    folder = write_reference(tmp_path / "submissions" / "slow")
    forks = _forks(monkeypatch)
    result = grade_submission(folder, limits=Limits(wall_seconds=2.0))
    assert result.status == TIMED_OUT and "longer than 2 s" in result.reason
    server = zygote._SHARED.zygote.process.pid
    deadline = time.monotonic() + 5
    while _children(server) and time.monotonic() < deadline:  # the zygote reaps its children once a second
        time.sleep(0.1)
    assert _children(server) == [], "a killed fork is still there"
    again = grade_submission(folder, files=[GRADED_DIR / "test_relu.py"])
    assert (again.status, again.score) == (GRADED, 10)
    assert all(isinstance(f, zygote.Child) for f in forks) and len(forks) == 2


def test_the_zygote_is_replaced_when_the_environment_or_the_kit_s_code_changes(tmp_path, monkeypatch):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    first = zygote._SHARED.get(env)
    assert zygote._SHARED.get({**env, "TMPDIR": str(tmp_path)}) is first  # a scratch folder is set per child
    second = zygote._SHARED.get({**env, "GRADKIT_PROBE": "1"})
    assert second is not first and first.process.poll() is not None  # the old one ended
    checker = tmp_path / "checker"
    checker.mkdir()
    (checker / "check.py").write_text("A = 1\n")
    monkeypatch.setattr(zygote.layout, "checker_dir", lambda: checker)
    before = zygote._key(env)
    (checker / "check.py").write_text("A = 12\n")
    assert zygote._key(env) != before


def test_a_failed_check_is_shown_as_its_message_and_anything_else_as_pytest_shows_it():
    def default(excinfo):
        return f"pytest's traceback of {excinfo.typename}"

    def info(error):
        try:
            raise error
        except BaseException:
            return pytest.ExceptionInfo.from_current()

    failure = CheckFailure("Conv2D.backward: dx is wrong")
    assert grading._repr_failure(default, info(failure)) == "Conv2D.backward: dx is wrong"
    assert grading._repr_failure(default, info(ExceptionGroup("hypothesis", [failure]))) == failure.message
    assert grading._repr_failure(default, info(ValueError("a bug in a check"))) == "pytest's traceback of ValueError"


GRADER = """
import sys
from pathlib import Path
from gradkit.batch.limits import Limits
from gradkit.batch.submission import grade_submission
grade_submission(Path(sys.argv[1]), limits=Limits(wall_seconds=600))
"""


@pytest.mark.parametrize("zygote_used", [True, False], ids=["zygote", "new process"])
def test_a_grader_killed_outright_takes_its_grading_processes_with_it(tmp_path, zygote_used):
    """A Dask worker killed by its nanny, a grade-all killed by the OOM killer: nothing it started grades on."""
    folder = write_stubs(tmp_path / "submissions" / "busy")
    # Each call takes seconds (the grading would take minutes): only the kill can end it within the test's wait.
    (folder / "relu.py").write_text("import time\n\n\nclass ReLU:\n    def forward(self, x):\n"
                                    "        time.sleep(5)\n\n    def backward(self, dout):\n"
                                    "        time.sleep(5)\n")
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    if not zygote_used:
        env["GRADKIT_NO_ZYGOTE"] = "1"
    grader = subprocess.Popen([sys.executable, "-c", GRADER, str(folder)], env=env, start_new_session=True,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    below: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and grader.poll() is None:  # until the evaluator runs
            below = processes.descendants(grader.pid)
            if any("gradkit.batch.evaluator" in processes.command(p) for p in below):
                break
            time.sleep(0.1)
        else:
            pytest.fail("the grader ended or never started an evaluator")
        grader.kill()  # its process group only: the grading process has a session of its own
        grader.wait()
        assert processes.survivors(below, seconds=10) == {}
    finally:
        grader.kill()
        processes.kill(below)
