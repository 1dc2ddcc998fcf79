"""Student code cannot raise its own grade, see what it must not see, or disturb anyone else's grading.

Every file of tests/hostile/ is a student's relu.py with an attack (the rest of the submission is the
untouched stubs, plus the reference pool.py where the attack ends the process, to show the rest of the
submission is still graded). All of them are graded in ONE `grade_all` run, two at a time, together with
two honest students and folders whose files are not plain files (a FIFO, a 2 GiB sparse file, a
symbolic link, a hard link to a classmate's file), one saved with byte-order marks and one whose name is
a spreadsheet formula. Each attack must earn exactly what its honest code earns, with a clear reason;
the honest students, the grader (its limits, priority, CPU affinity), the results files and the files
around them must be untouched. A system call made past a disarmed audit hook, which seccomp answers by
killing the evaluator, must be in `sandbox_refused`, put there by the grader. Three attacks get a run of
their own: outliving the grading, files the in-process grader and `grade-all` might read differently,
and a forbidden call made between two calls.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from gradkit.checker.fixtures import load_examples
from gradkit.batch import namespaces
from gradkit.batch.limits import Limits
from gradkit.batch.proxy import FORBIDDEN_CALL
from gradkit.batch.samples import SOLUTIONS, write_reference, write_stubs
from gradkit.batch.scheduler import grade_all
from gradkit.batch.store import results_dir
from gradkit.batch.submission import HIDDEN_TESTS, grade_submission

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
ISOLATED, WHY_NOT_ISOLATED = namespaces.status()

# attack file -> (relu points it honestly earns out of 10, words the relu failures must contain)
EXPECTED = {
    # In its own mount view the checker is not even there; without one, the sandbox refuses to open it.
    "relu_patches_the_checker": (0, "does not import: ModuleNotFoundError: No module named 'gradkit.checker'" if ISOLATED
                                 else "does not import: PermissionError: the grading sandbox does not allow opening"),
    # Zeros of the right shape honestly earn the contract checks and the two-instance check, 5 points; the
    # stored examples and the gradient, differentiated through the reference in the grade of record, show
    # they are wrong.
    "relu_patches_numpy": (5, "gives wrong values"),
    "relu_writes_fake_results": (0, "not implemented yet"),
    "relu_reads_solutions": (0, "not implemented yet"),
    "relu_reads_another_student": (0, "not implemented yet"),
    "relu_os_exit": (0, "the process exited with status 0"),
    "relu_sys_exit": (4, "called sys.exit(0)"),  # its forward is right: those 4 points are earned
    "relu_infinite_loop": (0, "did not return within"),
    "relu_import_time_loop": (0, "does not import: importing it did not finish"),
    "relu_huge_allocation": (0, "MemoryError"),
    "relu_spawns_processes": (0, "not implemented yet"),
    "relu_kills_the_grader": (0, "not implemented yet"),
    "relu_fake_array": (5, "gives wrong values"),  # its values are zeros, whatever its comparisons claim
    "relu_breaks_the_pipe": (0, "sandbox"),
    # A right forward and a zero backward honestly earn everything but the gradient (7 of 10), probes or not.
    "relu_detects_probes": (7, "the gradient with respect to x (dx) is wrong"),
    # Twice the ReLU, forward and backward consistent, honestly earns the contract checks but the huge-input one
    # (2 * max(x, 0) overflows to inf): 3 of 10.
    "relu_memorises_examples": (3, "fresh random example"),
    # Right gradients by finite differences of its own forward: full marks, and a flag for the instructor.
    "relu_numerical_backward": (10, None),
    # Correct code: the sabotage of others fails (own PID namespace; seccomp refuses these calls on other pids).
    "relu_limits_other_processes": (10, None),
    "relu_limits_the_grader": (10, None),
    # SysV IPC and io_uring are only ever an attack: seccomp kills the evaluator at the call (at import here), and
    # the grader records it, where the disarmed audit hook would have recorded nothing.
    "relu_shares_memory": (0, "does not import: " + FORBIDDEN_CALL),
    "relu_uses_io_uring": (0, "does not import: " + FORBIDDEN_CALL),
    # Raw syscall() through ctypes, past the disarmed audit hook. The right forward earns its 4 points; each call
    # that reaches the forbidden syscall fails, and the rest of the submission is graded by a fresh evaluator.
    "relu_raw_shmget": (4, "ReLU.backward raised ProcessDied: " + FORBIDDEN_CALL),
    "relu_raw_io_uring": (0, "ReLU.forward raised ProcessDied: " + FORBIDDEN_CALL),
    "relu_raw_ptrace_at_import": (0, "does not import: " + FORBIDDEN_CALL),
    "relu_forges_evidence": (0, "not implemented yet"),
    "relu_writes_extra_reply": (0, "wrote to the sandbox's pipe"),
}
if ISOLATED:  # stat() needs the mount view: without bubblewrap, Landlock does not cover it
    EXPECTED["relu_stats_hidden_files"] = (0, "(saw [])")
# attack -> where the grader saw the kernel kill its evaluator (seccomp applies with or without bubblewrap)
KILLED = {"relu_shares_memory": "in the import of relu.py", "relu_uses_io_uring": "in the import of relu.py",
          "relu_raw_shmget": "in ReLU.backward", "relu_raw_io_uring": "in ReLU.forward",
          "relu_raw_ptrace_at_import": "in the import of relu.py"}
SLEEPER = "relu_sleeps_within_limits"


def student(attack: str) -> str:
    """The folder (student name) an attack is graded under. grade-all takes students in name order; the sleeper
    holds a worker for its whole time budget (a minute), so it goes first instead of last, alone at the end."""
    return "0_" + attack if attack == SLEEPER else attack


FORMULA_NAME = '=HYPERLINK("example.invalid","grades")'
ODD = "odd_files"  # relu.py a FIFO, softmax_ce.py a 2 GiB sparse file, sgd_momentum.py a link to a classmate's
ODD_FILES = {"relu": "is not a regular file", "softmax_ce": "is larger than 2 MiB",
             "sgd_momentum": "is a symbolic link"}
WITH_REFERENCE_POOL = {"relu_os_exit", "relu_sys_exit", "relu_infinite_loop", "relu_huge_allocation", "relu_raw_shmget"}
LIMITS = Limits(cpu_seconds=120, memory_mb=1024, call_seconds=3.0, test_seconds=45.0, wall_seconds=400.0,
                budget_seconds=60.0)  # an honest submission's calls need about 25 s, more on a loaded machine


def _stored_relu() -> str:
    """The published ReLU examples as a Python literal [(x, out), ...], as a student would copy them."""
    return repr([(e["x"].tolist(), e["out"].tolist()) for e in load_examples("relu")])


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def _fill(text: str, values: dict[str, object]) -> str:
    for key, value in values.items():
        text = text.replace(key, str(value))
    return text


def _grader_state() -> dict[str, object]:
    return {"nofile": resource.getrlimit(resource.RLIMIT_NOFILE), "fsize": resource.getrlimit(resource.RLIMIT_FSIZE),
            "nice": os.getpriority(os.PRIO_PROCESS, 0), "affinity": os.sched_getaffinity(0),
            "scheduler": os.sched_getscheduler(0)}


def _build(base: Path) -> dict[str, object]:
    submissions, out_csv, marker = base / "submissions", base / "out" / "grades.csv", base / "escaped.txt"
    write_reference(submissions / "honest_reference")
    write_stubs(submissions / "honest_stubs")
    values = {"{SOLUTIONS}": SOLUTIONS, "{OTHER}": submissions / "honest_reference", "{SUBMISSIONS}": submissions,
              "{RESULTS_DIR}": results_dir(out_csv), "{OUT_CSV}": out_csv, "{MARKER}": marker,
              "{GRADER_PID}": os.getpid(), "{HIDDEN}": HIDDEN_TESTS, "{CALL_SECONDS}": LIMITS.call_seconds,
              "{STORED_RELU}": _stored_relu()}
    for name in [*EXPECTED, SLEEPER, "relu_stats_hidden_files"]:
        folder = write_stubs(submissions / student(name))
        if name in WITH_REFERENCE_POOL:
            shutil.copyfile(SOLUTIONS / "pool.py", folder / "pool.py")
        (folder / "relu.py").write_text(_fill((HOSTILE / f"{name}.py").read_text(), {**values, "{ME}": student(name)}))
    odd = write_stubs(submissions / ODD)
    for name in ("relu.py", "softmax_ce.py", "sgd_momentum.py"):
        (odd / name).unlink()
    os.mkfifo(odd / "relu.py")
    with open(odd / "softmax_ce.py", "wb") as handle:
        handle.truncate(2 * 2**30)  # 2 GiB, sparse: no disk used
    (odd / "sgd_momentum.py").symlink_to(submissions / "honest_reference" / "sgd_momentum.py")
    (write_stubs(submissions / "hardlink_conv") / "conv.py").unlink()
    os.link(submissions / "honest_reference" / "conv.py", submissions / "hardlink_conv" / "conv.py")
    bom = write_stubs(submissions / "bom_reference")  # saved by Windows Notepad as "UTF-8 with BOM"
    for name in ("relu.py", "pool.py"):
        (bom / name).write_bytes(b"\xef\xbb\xbf" + (SOLUTIONS / name).read_bytes().replace(b"\n", b"\r\n"))
    write_stubs(submissions / FORMULA_NAME)
    solutions_before = _tree_digest(SOLUTIONS)
    honest_before = _tree_digest(submissions / "honest_reference")
    grader_before = _grader_state()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    grade_all(submissions, out_csv, jobs=2, limits=LIMITS, include_hidden=False)
    return {"solutions_unchanged": solutions_before == _tree_digest(SOLUTIONS),
            "honest_unchanged": honest_before == _tree_digest(submissions / "honest_reference"),
            "grader_changed": [k for k, v in _grader_state().items() if grader_before[k] != v],
            "rss_growth_mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024}


@pytest.fixture(scope="module")
def batch(tmp_path_factory, worker_id):
    """The class is graded once per test run: the first xdist worker grades it, the other reads the grades."""
    shared = tmp_path_factory.getbasetemp()
    shared = (shared.parent if worker_id != "master" else shared) / "hostile-class"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        facts = shared / "facts.json"
        if not facts.exists():
            facts.write_text(json.dumps(_build(shared)))
        submissions, out_csv = shared / "submissions", shared / "out" / "grades.csv"
        summary = grade_all(submissions, out_csv, jobs=2, limits=LIMITS, include_hidden=False)  # all stored
    return {**json.loads(facts.read_text()), "summary": summary, "results": {r.student: r for r in summary.results},
            "base": shared, "submissions": submissions, "out": out_csv, "marker": shared / "escaped.txt",
            "regraded": summary.graded_now}


@pytest.mark.parametrize("attack", sorted(EXPECTED))
def test_an_attack_earns_only_what_its_honest_code_earns_with_a_clear_reason(batch, attack):
    result = batch["results"][attack]
    points, reason = EXPECTED[attack]
    relu = [o for o in result.outcomes if o.exercise == "relu"]
    assert result.status == "graded", result.reason
    assert relu, "no relu outcome"
    assert sum(o.score for o in relu) == points, [(o.name, o.passed, o.message) for o in relu]
    failures = [o.message for o in relu if not o.passed]
    assert reason is None or any(reason in message for message in failures), failures
    if attack in WITH_REFERENCE_POOL:  # the rest of the submission is graded as usual
        assert sum(o.score for o in result.outcomes if o.exercise == "pool") == 15
    assert result.score == points + (15 if attack in WITH_REFERENCE_POOL else 0)


def test_honest_students_in_the_same_run_are_graded_as_usual(batch):
    assert batch["results"]["honest_reference"].score == 100
    assert batch["results"]["honest_reference"].max_score == 100
    assert batch["results"]["honest_stubs"].score == 0


OTHERS = ["honest_reference", "honest_stubs", student(SLEEPER), "relu_stats_hidden_files", ODD, "hardlink_conv",
          "bom_reference", FORMULA_NAME]


def test_the_grader_survives_and_grades_everyone(batch):
    assert sorted(batch["results"]) == sorted({*EXPECTED, *OTHERS})
    assert not batch["summary"].errors and not batch["regraded"]
    with batch["out"].open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 1 + len({*EXPECTED, *OTHERS})


def test_no_process_can_touch_another_s_limits_priority_or_cpus(batch):
    """prlimit, setpriority and sched_* on other pids (found by scanning) change nothing anywhere."""
    assert batch["grader_changed"] == []
    assert batch["results"]["honest_reference"].score == 100


def test_evidence_is_kept_outside_the_sandbox_and_no_cell_is_a_formula(batch):
    refused = batch["results"]["relu_forges_evidence"].refused
    assert any(f"{SOLUTIONS}/relu.py" in r for r in refused), refused  # erasing it afterwards did not work
    for path in (batch["out"], batch["out"].with_name("grades.passrates.csv")):
        with path.open(newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        bad = [c for c in cells if c[:1] in ("=", "+", "-", "@") and not c.lstrip("-").replace(".", "").isdigit()]
        assert not bad, bad
    with batch["out"].open(newline="") as handle:
        assert "'" + FORMULA_NAME in [row[0] for row in csv.reader(handle)]


def test_a_system_call_past_the_audit_hook_is_recorded_by_the_grader_and_only_for_those_who_made_it(batch):
    """seccomp kills the evaluator (SIGSYS); the grader, not the evaluator, puts it in `sandbox_refused`."""
    with batch["out"].open(newline="") as handle:
        table = {row["student"]: row["sandbox_refused"] for row in csv.DictReader(handle)}
    for attack, where in KILLED.items():
        note = f"a system call the sandbox forbids, {where} (the kernel killed the evaluator: SIGSYS)"
        assert note in batch["results"][attack].refused, batch["results"][attack].refused
        assert note in table[attack]
    assert sorted(s for s, cell in table.items() if "SIGSYS" in cell) == sorted(KILLED)  # honest code never is


def test_files_that_are_not_plain_files_are_refused_without_being_opened_or_read(batch):
    result = batch["results"][ODD]
    for exercise, words in ODD_FILES.items():
        mine = [o for o in result.outcomes if o.exercise == exercise]
        assert mine and not any(o.passed for o in mine)
        assert any(words in o.message for o in mine), [o.message for o in mine]
    # A FIFO never blocks a worker (it did, up to the whole-submission limit of 400 s). Judged against an honest
    # submission graded in the same run, since the machine's load stretches both alike (182 s at load 7).
    honest = batch["results"]["honest_reference"].seconds
    assert result.seconds < honest + 2 * LIMITS.test_seconds < LIMITS.wall_seconds, (result.seconds, honest)
    assert batch["rss_growth_mib"] < 500, "grade-all read the sparse file into memory"


def test_identical_files_across_students_are_flagged_as_possible_copying(batch):
    copied = batch["results"]["hardlink_conv"]
    assert sum(o.score for o in copied.outcomes if o.exercise == "conv") == 25  # graded as it is, but flagged
    table = {row["student"]: row for row in csv.DictReader(batch["out"].open(newline=""))}
    assert "conv.py identical to" in table["hardlink_conv"]["flags"]
    assert "hardlink_conv" in table["honest_reference"]["flags"]
    assert "identical to the reference solution" in table["honest_reference"]["flags"]
    assert "possible copying" not in table["honest_stubs"]["flags"]  # untouched stubs are not a sign of anything


def test_a_file_saved_with_a_byte_order_mark_is_graded_like_any_other(batch):
    assert batch["results"]["bom_reference"].score == 10 + 15  # relu and pool, with BOM and CRLF


def test_one_submission_cannot_hold_a_worker_beyond_its_time_budget_and_what_was_cut_is_reported(batch):
    result = batch["results"][student(SLEEPER)]
    # Without a budget each of its relu tests runs to the 45 s test limit (6 tests: 270 s more than an
    # honest submission); with it, the budget and a little more. Judged against an honest submission graded in the
    # same run, since the machine's load stretches both alike.
    honest = batch["results"]["honest_reference"].seconds
    assert result.seconds < honest + LIMITS.budget_seconds + 3 * LIMITS.test_seconds, (result.seconds, honest)
    assert sum(o.score for o in result.outcomes if o.exercise == "relu") < 10  # its calls were cut
    assert any("time budget" in o.message for o in result.outcomes if not o.passed)
    flags = "; ".join(result.flags)
    assert "time budget (60 s for all calls) used up" in flags and "test_relu" in flags, flags


def test_a_numerical_backward_is_flagged_for_the_instructor_not_deducted(batch):
    flags = "; ".join(batch["results"]["relu_numerical_backward"].flags)
    assert "ReLU.backward took" in flags and "numerical gradient" in flags, flags
    assert not any("numerical gradient" in f for f in batch["results"]["honest_reference"].flags)


def test_the_protocol_cannot_be_desynchronised_and_the_attempt_is_flagged(batch):
    result = batch["results"]["relu_writes_extra_reply"]
    assert "student code wrote to the sandbox's protocol pipe" in result.flags


@pytest.mark.skipif(not ISOLATED, reason=f"needs the evaluator's own mount view: {WHY_NOT_ISOLATED}")
def test_stat_reveals_nothing_outside_the_evaluator_s_view(batch):
    relu = [o for o in batch["results"]["relu_stats_hidden_files"].outcomes if o.exercise == "relu" and not o.passed]
    assert relu and all("saw [" not in o.message or "(saw [])" in o.message for o in relu)
    assert any("(saw [])" in o.message for o in relu)


def test_no_file_outside_the_grader_s_own_was_written_or_read_into_a_grade(batch):
    assert not batch["marker"].exists(), "a spawned process escaped the sandbox"
    stray = [p for p in batch["submissions"].rglob("*") if p.name == "results.json"]
    assert not stray, stray
    stored = sorted(p.name for p in results_dir(batch["out"]).iterdir())
    assert stored == sorted(f"{s}.json" for s in batch["results"])
    assert batch["solutions_unchanged"] and batch["honest_unchanged"]
    header = batch["out"].read_text().splitlines()[0]
    assert header.startswith("student,status,score,max_score")


OUTLIVER = '''
import ctypes, gc, os, sys, time

for name in ("_FORBIDDEN_EVENTS", "_WRITE_EVENTS"):  # disarm the audit hook (globals, or its closure)
    try:
        getattr(sys.modules.get("gradkit.batch.sandbox"), name).clear()
    except Exception:
        pass
for obj in gc.get_objects():
    if type(obj).__name__ == "function" and obj.__name__ == "hook" and obj.__closure__:
        for cell in obj.__closure__:
            try:
                if isinstance(cell.cell_contents, (set, frozenset)):
                    cell.cell_contents = frozenset()
            except ValueError:
                pass
try:
    libc = ctypes.CDLL(None)
    libc.prctl(1, 0, 0, 0, 0)  # clear PR_SET_PDEATHSIG
    libc.prctl(4, 1, 0, 0, 0)  # dumpable again
except Exception:
    pass
try:
    with open("leftover.bin", "wb") as handle:  # its scratch folder, as full as it may be
        handle.write(b"x" * 8 * 2**20)
except Exception:
    pass


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        while True:  # outlast the grading process
            time.sleep(0.05)
'''


def _processes_with(text: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if text.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                    found.append(int(entry))
            except OSError:
                pass
    return found


def test_nothing_a_submission_starts_or_writes_outlives_its_grading(tmp_path, monkeypatch):
    """Grading is killed mid-call (wall time) while student code that cleared its death signal and filled
    its scratch folder runs: no process of it is left, no scratch folder, no core dump."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    folder = write_stubs(tmp_path / "submissions" / "outliver")
    (folder / "relu.py").write_text(OUTLIVER)
    limits = Limits(cpu_seconds=117, call_seconds=60.0, test_seconds=60.0, wall_seconds=8.0)
    result = grade_submission(folder, limits=limits, files=[GRADED_RELU])
    assert result.status == "timed out"
    deadline, left = time.monotonic() + 5, []
    while time.monotonic() < deadline:
        left = _processes_with('"cpu_seconds": 117')
        if not left:
            break
        time.sleep(0.2)
    for pid in left:  # do not leave them running after a failure either
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    assert not left, "an evaluator outlived its grading"
    assert sorted(p.name for p in temporary.iterdir()) == [], "a scratch or grading folder was left behind"
    assert not [p for p in (tmp_path / "submissions").rglob("core*")], "a core dump was left behind"


GRADED_RELU = Path(__file__).resolve().parents[1] / "graded" / "test_relu.py"

TIMER = '''
import ctypes, gc, platform, signal

import numpy as np

BPF = {"x86_64": 321, "aarch64": 280}.get(platform.machine(), 321)


def _later(signum, frame):  # runs while the evaluator waits for the grader's next request
    for obj in gc.get_objects():  # disarm the audit hook
        if type(obj).__name__ == "function" and obj.__name__ == "hook" and obj.__closure__:
            for cell in obj.__closure__:
                if isinstance(cell.cell_contents, frozenset):
                    cell.cell_contents = frozenset()
    libc = ctypes.CDLL(None)
    libc.syscall.restype = ctypes.c_long
    libc.syscall(ctypes.c_long(BPF), 0, None, 0)


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.later()
        return np.maximum(x, 0)

    def later(self):
        signal.signal(signal.SIGALRM, _later)
        signal.setitimer(signal.ITIMER_REAL, 0.2)
'''


@pytest.mark.parametrize("isolated", [True, False], ids=["bwrap", "no-bwrap"])
def test_a_forbidden_call_made_between_calls_is_recorded_when_the_grader_next_looks(tmp_path, monkeypatch, isolated):
    """Code that returns first and makes the call later (a timer) is killed all the same; the grader finds the
    evaluator dead of SIGSYS at its next request, or when it closes it, and records it (bubblewrap reports the
    death as exit status 159)."""
    from gradkit.batch.proxy import SandboxedImplementation

    if isolated and not ISOLATED:
        pytest.skip(f"needs bubblewrap: {WHY_NOT_ISOLATED}")
    if not isolated:
        monkeypatch.setenv("GRADKIT_NO_BWRAP", "1")
    namespaces.status.cache_clear()
    folder = write_stubs(tmp_path / "timer")
    (folder / "relu.py").write_text(TIMER)
    sandboxed = SandboxedImplementation(folder, Limits())

    def wait_for_the_kill():
        deadline = time.monotonic() + 10
        while sandboxed.evaluator.alive() and time.monotonic() < deadline:
            time.sleep(0.05)

    try:
        assert sandboxed.ReLU().forward(np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]
        wait_for_the_kill()
        layer = sandboxed.ReLU()  # the next request finds it dead and starts a fresh evaluator
        layer.later()
        wait_for_the_kill()
        isolation = sandboxed.evaluator.isolated
    finally:
        sandboxed.close()  # finds the second one dead
        namespaces.status.cache_clear()
    assert isolation == isolated
    assert sandboxed.evaluator.refusals == [
        f"a system call the sandbox forbids, after ReLU.{method} (the kernel killed the evaluator: SIGSYS)"
        for method in ("forward", "later")]


def test_the_in_process_grader_and_grade_all_read_the_same_files_the_same_way(tmp_path, monkeypatch):
    """A .pyc planted in __pycache__, a utf-7 coding cookie, a symbolic link, a helper module next to the
    six files, a byte-order mark, a folder named like the kit's own package and on sys.path (as the
    working directory is for `python -m pytest`): both loaders load, or refuse, the same files."""
    import importlib.util
    import py_compile

    import numpy as np

    from gradkit.checker.impl import Implementation
    from gradkit.checker.specs import EXERCISES
    from gradkit.checker.results import CheckFailure
    from gradkit.batch.proxy import SandboxedImplementation

    folder = write_stubs(tmp_path / "exercises")
    shutil.copyfile(SOLUTIONS / "relu.py", tmp_path / "honest_relu.py")  # a planted, unchecked .pyc of it
    py_compile.compile(str(tmp_path / "honest_relu.py"), cfile=importlib.util.cache_from_source(str(folder / "relu.py")),
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH, doraise=True)
    (folder / "conv.py").write_bytes(b"# -*- coding: utf-7 -*-\n" + (SOLUTIONS / "conv.py").read_bytes())
    (folder / "pool.py").unlink()
    (folder / "pool.py").symlink_to(SOLUTIONS / "pool.py")
    shutil.copyfile(SOLUTIONS / "linear.py", folder / "helper.py")
    (folder / "linear.py").write_text("from helper import Linear  # noqa: F401\n")
    (folder / "softmax_ce.py").write_bytes(b"\xef\xbb\xbf" + (SOLUTIONS / "softmax_ce.py").read_bytes())
    monkeypatch.syspath_prepend(str(folder))  # what `python -m pytest` run in the folder does

    def outcome(impl, exercise):
        try:
            cls = impl.cls(exercise)
        except CheckFailure as failure:
            return f"refused: {str(failure).split(': ', 1)[-1][:40]}"
        if exercise.name == "relu":  # the stub's forward, or the planted bytecode's?
            try:
                cls().forward(np.ones(3))
            except NotImplementedError:
                return "loaded the stub"
            return "ran the planted bytecode"
        return "loaded"

    in_process = Implementation(str(folder), folder, package=None)
    sandboxed = SandboxedImplementation(folder, Limits())
    try:
        mine = {e.name: outcome(in_process, e) for e in EXERCISES.values()}
        theirs = {e.name: outcome(sandboxed, e) for e in EXERCISES.values()}
    finally:
        sandboxed.close()
    assert mine == theirs
    assert mine["relu"] == "loaded the stub" and mine["softmax_ce"] == mine["sgd_momentum"] == "loaded"
    assert "declares the encoding 'utf-7'" in mine["conv"] and "is a symbolic link" in mine["pool"]
    assert mine["linear"].startswith("refused")  # helper.py is not importable by either


def test_modules_in_the_students_folder_do_not_stand_in_for_the_kits(tmp_path):
    """`python -m pytest` in a workspace puts the folder on sys.path: a `checker.py`, a `checker/` or an
    `exercises/` package there (the kit's folder names in its source) must not be imported by the grader."""
    from gradkit.workspace import init

    work = tmp_path / "work"
    init(work)
    planted = tmp_path / "imported"
    (work / "checker.py").write_text(f"open({str(planted)!r}, 'w').close()\n")
    (work / "checker").mkdir()
    (work / "checker" / "__init__.py").write_text(f"open({str(planted)!r}, 'w').close()\n")
    shutil.copytree(SOLUTIONS, work / "exercises")
    completed = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=work, capture_output=True, text=True,
                               timeout=600)
    assert "total            0/100" in completed.stdout, completed.stdout[-2000:]
    assert not planted.exists()
