"""`grade-all --scheduler`: the same grades on a real Dask cluster (a scheduler and two workers started here as
processes), a worker killed mid-run loses and doubles nothing, workers that grade differently are refused, and
a local run imports no Dask."""

from __future__ import annotations

import collections
import csv
import dataclasses
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import processes
import pytest

import gradkit
from gradkit.batch import cluster
from gradkit.batch.limits import Limits
from gradkit.batch.samples import BUGS, SOLUTIONS, write_bug, write_reference, write_stubs
from gradkit.batch.scheduler import grade_all, plan
from gradkit.batch.submission import ERROR, GRADED, MISSING, digests, fingerprint
from gradkit.batch.submission import test_files as suite_files
from gradkit.checker.course import make
from gradkit.checker.specs import EXERCISES
from gradkit.cli.main import main
from gradkit.errors import UserError

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason='Dask is not installed (pip install -e ".[dask]"); the cluster tests need it')

ROOT = Path(gradkit.__file__).resolve().parents[1]  # the gradkit the workers must import: this one
BUG = BUGS / "conv_db_averaged_over_batch.py"  # fails conv's public db check (3 points) and a hidden one (1)
# relu (10 public + 2 hidden) and conv set to 30 public points: conv's 25 + 5 hidden all count 6/5.
COURSE = make("mini", ["relu", "conv"], {"conv": 30}, "test")
FULL, WITH_BUG = 48.0, 48.0 - 4 * 1.2
STARTUP_SECONDS = 180.0  # a process's start on a loaded 2-core machine
RUN_SECONDS = 900.0  # a whole grading run; past it the cluster is stopped and the run fails


class LocalCluster:
    """A Dask scheduler and workers as processes on localhost (free ports), each the leader of its own process
    group; `stop` ends them and every grading process they started."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.marker = uuid.uuid4().hex  # in the environment of everything started here, to find it again
        self.processes: dict[str, subprocess.Popen] = {}
        self.address = ""

    def _start(self, name: str, *arguments: str, gradkit_from: Path = ROOT) -> None:
        path = os.pathsep.join(p for p in (str(gradkit_from), os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "PYTHONPATH": path, "GRADKIT_TEST_CLUSTER": self.marker}
        log = (self.folder / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen([sys.executable, "-m", "dask", *arguments], env=env,
                                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                                cwd=self.folder, start_new_session=True)
        log.close()

    def log(self, name: str) -> str:
        return "\n".join((self.folder / f"{name}.log").read_text(errors="replace").splitlines()[-15:])

    def start_scheduler(self, gradkit_from: Path = ROOT) -> None:
        file = self.folder / "scheduler.json"
        file.unlink(missing_ok=True)
        self.address = ""
        self._start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                    "--scheduler-file", str(file), gradkit_from=gradkit_from)
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.address:
            assert self.processes["scheduler"].poll() is None, "the scheduler died:\n" + self.log("scheduler")
            assert time.monotonic() < deadline, "the scheduler did not start:\n" + self.log("scheduler")
            try:
                self.address = json.loads(file.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.2)

    def start_worker(self, name: str, gradkit_from: Path = ROOT) -> None:
        self._start(name, "worker", self.address, "--name", name, "--nthreads", "1", "--no-dashboard",
                    "--local-directory", str(self.folder / name), "--death-timeout", "120", gradkit_from=gradkit_from)

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=STARTUP_SECONDS, set_as_default=False) as client:
            try:
                client.wait_for_workers(count, timeout=STARTUP_SECONDS)
            except TimeoutError:
                pytest.fail("the workers did not join:\n" + "\n".join(self.log(n) for n in self.processes))

    def kill(self, name: str) -> dict[int, str]:
        """SIGKILL a process group, the worker and its nanny, as the OOM killer might; return the processes they
        had started (the zygote, grading processes and evaluators, each in a session of its own) still running
        10 s later."""
        below = processes.descendants(self.processes[name].pid)
        try:
            os.killpg(self.processes[name].pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.processes[name].wait()
        left = processes.survivors(below, seconds=10)
        processes.kill(set(left))
        return left

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name)
        self.processes.clear()
        for pid in _marked(self.marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _marked(marker: str) -> list[int]:
    """The processes whose environment holds GRADKIT_TEST_CLUSTER=`marker` (the grading children of workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if f"GRADKIT_TEST_CLUSTER={marker}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    running = LocalCluster(tmp_path_factory.mktemp("dask"))
    try:
        running.start_scheduler()
        running.start_worker("w1")
        running.start_worker("w2")
        running.wait_for_workers(2)
        yield running
    finally:
        running.stop()


@pytest.fixture
def one_off_cluster(tmp_path):
    running = LocalCluster(tmp_path / "cluster")
    running.folder.mkdir()
    try:
        yield running
    finally:
        running.stop()


def gradkit_copy(folder: Path) -> Path:
    """A copy of this gradkit's source (what grading needs of it), to change."""
    for part in ("gradkit", "checker", "solutions", "tests/graded", "tests/hidden"):
        shutil.copytree(ROOT / part, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def within_time(running: LocalCluster):
    """A timer that stops the cluster if a run hangs (then the run fails instead of the test waiting forever)."""
    timer = threading.Timer(RUN_SECONDS, running.stop)
    timer.daemon = True
    timer.start()
    return timer


def rows(path: Path) -> list[dict[str, str]]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


def comparable(result) -> dict:
    return {k: v for k, v in result.to_dict().items() if k != "seconds"}


@needs_dask
def test_a_cluster_run_gives_the_grades_of_a_local_run(dask_cluster, tmp_path):
    submissions = tmp_path / "submissions"
    write_reference(submissions / "ada" / "hw")
    raises = (SOLUTIONS / "relu.py").read_text().replace("def forward(self, x):", "def forward(self, x):\n        1 / 0")
    (write_stubs(submissions / "bob" / "hw") / "relu.py").write_text(raises)  # messages name the file
    write_bug(submissions / "cy" / "hw", BUG)
    (submissions / "dan").mkdir()  # no hw folder: missing
    local = grade_all(submissions, tmp_path / "local" / "grades.csv", jobs=2, course=COURSE, subfolder="hw")
    timer = within_time(dask_cluster)
    try:
        remote = grade_all(submissions, tmp_path / "remote" / "grades.csv", course=COURSE, subfolder="hw",
                           scheduler=dask_cluster.address)
    finally:
        timer.cancel()
    mine = {r.student: comparable(r) for r in local.results}
    assert {r.student: comparable(r) for r in remote.results} == mine  # outcomes, messages, fingerprints, digests
    assert {r.student: (r.status, r.score) for r in local.results} == {
        "ada": (GRADED, FULL), "bob": (GRADED, 0), "cy": (GRADED, pytest.approx(WITH_BUG)), "dan": (MISSING, 0)}
    assert any("at hw/relu.py:" in o["message"] for o in mine["bob"]["outcomes"])  # the folder rebuilt as it was
    for name in ("grades.csv", "grades.passrates.csv"):
        assert (tmp_path / "remote" / name).read_text() == (tmp_path / "local" / name).read_text()


@needs_dask
def test_a_worker_killed_mid_run_loses_no_submission_and_grades_none_twice(dask_cluster, tmp_path):
    from distributed import Client

    submissions = tmp_path / "submissions"
    expected = {}
    for i in range(6):
        student = f"s{i}"
        if i % 3 == 0:
            write_reference(submissions / student)
            expected[student] = FULL
        elif i % 3 == 1:
            write_stubs(submissions / student)
            expected[student] = 0.0
        else:
            write_bug(submissions / student, BUG)
            expected[student] = WITH_BUG
    out = tmp_path / "grades.csv"
    arrived: list[str] = []
    killed: dict[str, list[str]] = {}
    before_kill: list[str] = []
    orphans: dict[int, str] = {}

    with Client(dask_cluster.address, timeout=STARTUP_SECONDS, set_as_default=False) as inspector:
        def kill_a_busy_worker(result) -> None:
            arrived.append(result.student)
            if killed:
                return
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:  # a worker in the middle of a task
                names = {a: w["name"] for a, w in inspector.scheduler_info(n_workers=-1)["workers"].items()}
                busy = {names[a]: [str(k) for k in keys] for a, keys in inspector.processing().items()
                        if keys and a in names}
                if busy:
                    name = sorted(busy)[0]
                    killed[name] = busy[name]
                    before_kill.extend(arrived)
                    orphans.update(dask_cluster.kill(name))
                    return
                time.sleep(0.1)

        timer = within_time(dask_cluster)
        try:
            summary = grade_all(submissions, out, course=COURSE, scheduler=dask_cluster.address,
                                on_result=kill_a_busy_worker)
        finally:
            timer.cancel()
    assert killed, "no worker was busy after the first result arrived"
    assert orphans == {}  # nothing the dead worker started grades on
    lost = [s for s in expected if any(k.startswith(f"gradkit-grade-{s}-") for keys in killed.values() for k in keys)]
    assert lost, killed  # the dead worker held a task: Dask ran it again elsewhere
    assert 1 <= len(before_kill) < len(expected) and not set(lost) & set(before_kill), (before_kill, lost)
    assert collections.Counter(arrived) == collections.Counter(list(expected))  # each student's result came once
    table = rows(out)
    assert sorted(r["student"] for r in table) == sorted(expected)
    assert {r["student"]: (r["status"], float(r["score"])) for r in table} == {
        s: (GRADED, pytest.approx(score)) for s, score in expected.items()}
    assert sorted(p.name for p in out.with_name("grades.results").iterdir()) == sorted(f"{s}.json" for s in expected)
    assert sorted(summary.graded_now) == sorted(expected)
    again = grade_all(submissions, out, course=COURSE, scheduler=dask_cluster.address)
    assert again.graded_now == [] and sorted(again.skipped) == sorted(expected)  # worker grades match files here


@needs_dask
def test_a_cluster_that_would_grade_differently_is_refused_in_one_line(one_off_cluster, tmp_path):
    submissions = tmp_path / "submissions"
    write_reference(submissions / "ada")
    out = tmp_path / "grades.csv"
    no_gradkit = tmp_path / "no-gradkit"
    (no_gradkit / "gradkit").mkdir(parents=True)
    (no_gradkit / "gradkit" / "__init__.py").write_text("raise ImportError('no gradkit here')\n")
    one_off_cluster.start_scheduler(gradkit_from=no_gradkit)  # it unpickles the tasks: it needs gradkit too
    with pytest.raises(UserError, match=r"^the Dask scheduler at tcp://\S+ has gradkit none \(ImportError: no "
                                        r"gradkit here\), not \S+: install the same gradkit there"):
        grade_all(submissions, out, course=COURSE, scheduler=one_off_cluster.address)
    one_off_cluster.stop()

    one_off_cluster.start_scheduler()
    one_off_cluster.start_worker("bare", gradkit_from=no_gradkit)
    one_off_cluster.wait_for_workers(1)
    with pytest.raises(UserError, match=r"^the Dask worker tcp://\S+ cannot grade \(ImportError\W+no gradkit here\W+\): "
                                        r"install gradkit \S+ there"):
        grade_all(submissions, out, course=COURSE, scheduler=one_off_cluster.address)
    one_off_cluster.stop()

    other = gradkit_copy(tmp_path / "other")
    with (other / "checker" / "scoring.py").open("a") as handle:
        handle.write("\n# a checker that is not the client's\n")
    one_off_cluster.start_scheduler()
    one_off_cluster.start_worker("other", gradkit_from=other)
    one_off_cluster.wait_for_workers(1)
    with pytest.raises(UserError, match=r"^the Dask worker tcp://\S+ grades with other code or tests \(gradkit "
                                        r"\S+, 4 test files, suite \w+\) than here \(.*\): install the same "
                                        r"gradkit on every worker$") as refused:
        grade_all(submissions, out, course=COURSE, scheduler=one_off_cluster.address)
    assert "\n" not in str(refused.value)
    assert not out.with_name("grades.results").exists()  # nothing graded, nothing stored


def test_a_local_run_imports_no_dask(tmp_path):
    (tmp_path / "submissions" / "dan").mkdir(parents=True)  # missing: graded without an evaluator
    script = ("import sys; from pathlib import Path; from gradkit.batch.scheduler import grade_all; "
              f"grade_all(Path({str(tmp_path / 'submissions')!r}), Path({str(tmp_path / 'grades.csv')!r})); "
              "import gradkit.cli.main; "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert rows(tmp_path / "grades.csv")[0]["status"] == MISSING


def test_packed_files_come_out_as_the_grader_reads_them(tmp_path):
    """Bytes as they are (any encoding), a link, a folder and a file over the size limit as the same problems,
    without the client following the link."""
    here = tmp_path / "here" / "alice"
    here.mkdir(parents=True)
    shutil.copyfile(SOLUTIONS / "relu.py", here / "relu.py")
    (here / "linear.py").write_bytes(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n")
    (here / "conv.py").symlink_to(tmp_path / "secret.py")
    (tmp_path / "secret.py").write_text("not to be read")
    (here / "pool.py").mkdir()
    with (here / "softmax_ce.py").open("wb") as handle:
        handle.truncate(3 * 2**20)
    (here / "notes.txt").write_text("not an exercise file")
    packed = cluster.pack(here)
    assert "not to be read" not in repr(packed) and "notes.txt" not in packed
    assert packed["softmax_ce.py"] == ["large"] and packed["conv.py"] == ["link"] and packed["pool.py"] == ["special"]
    there = tmp_path / "there" / "alice"
    there.mkdir(parents=True)
    cluster.unpack(packed, there)
    everything = make("all", list(EXERCISES), {}, "test")
    assert digests(there, everything) == digests(here, everything)
    assert digests(here, everything)["conv.py"].startswith("not graded: is a symbolic link")
    with pytest.raises(ValueError, match="not an exercise file"):
        cluster.unpack({"../evil.py": ["file", b""]}, there)


def test_workers_that_grade_differently_are_refused_in_one_line():
    ours = cluster.identity(True, COURSE.to_dict())
    assert cluster.identity(True, COURSE.to_dict()) == ours
    assert cluster.identity(False, COURSE.to_dict())["tests"] < ours["tests"]  # hidden tests count
    cluster.check_workers({"tcp://a:1": ours, "tcp://b:1": dict(ours)}, ours)
    wheel = {**ours, "tests": 2, "suite": "0" * 16}
    with pytest.raises(UserError, match=r"^the Dask worker tcp://b:1 grades with other code or tests .*"
                                        r"install the same gradkit on every worker \(the hidden tests"):
        cluster.check_workers({"tcp://a:1": ours, "tcp://b:1": wheel}, ours)
    with pytest.raises(UserError, match="tcp://a:1 cannot grade .*ModuleNotFoundError.*install gradkit"):
        cluster.check_workers({"tcp://a:1": ModuleNotFoundError("No module named 'gradkit'")}, ours)
    assert "\n" not in cluster.mismatch("x", wheel, ours)


def test_a_lost_submission_is_an_error_graded_again_on_the_next_run(tmp_path):
    result = cluster.lost("alice", "4 workers died while grading it")
    assert (result.status, result.reason) == (ERROR, "the cluster lost this submission (4 workers died while "
                                                     "grading it); run grade-all again to grade it")
    folder = write_reference(tmp_path / "alice")
    files = suite_files(True, COURSE)
    assert plan({"alice": folder}, {"alice": result}, files, Limits(), COURSE) == ["alice"]
    graded = dataclasses.replace(result, fingerprint=fingerprint(folder, files, Limits(), COURSE))
    assert plan({"alice": folder}, {"alice": graded}, files, Limits(), COURSE) == []


def test_a_bad_scheduler_address_is_one_line(tmp_path, capsys):
    pytest.importorskip("distributed", reason="Dask is not installed")
    for address, problem in (("http://host:8787", "unknown address scheme 'http'"), ("tcp://", "no host")):
        with pytest.raises(UserError, match=f"--scheduler {address}: {problem}.*tcp://HOST:8786"):
            cluster.connect(address)
    write_stubs(tmp_path / "submissions" / "bob")
    assert main(["grade-all", str(tmp_path / "submissions"), "--out", str(tmp_path / "grades.csv"), "--no-progress",
                 "--scheduler", "http://host:8787"]) == 2
    said = capsys.readouterr().err.strip()
    assert said.startswith("gradkit grade-all: --scheduler http://host:8787: unknown address") and "\n" not in said
