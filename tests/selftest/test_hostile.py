"""Student code cannot raise its own grade, see what it must not see, or disturb anyone else's grading.

Every file of tests/hostile/ is a student's relu.py with an attack (the rest of the submission is the
untouched stubs, plus the reference pool.py where the attack ends the process, to show the rest of the
submission is still graded). All of them are graded in ONE `grade_all` run, two at a time, together with
two honest students. Each attack must earn exactly what its honest code earns, with a clear reason; the
honest students, the grader, the results files and the files around them must be untouched.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from gradkit.batch import namespaces
from gradkit.batch.limits import Limits
from gradkit.batch.samples import SOLUTIONS, write_reference, write_stubs
from gradkit.batch.scheduler import grade_all
from gradkit.batch.store import results_dir

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
ISOLATED, WHY_NOT_ISOLATED = namespaces.status()

# attack file -> (relu points it honestly earns out of 10, words the relu failures must contain)
EXPECTED = {
    # In its own mount view the checker is not even there; without one, the sandbox refuses to open it.
    "relu_patches_the_checker": (0, "does not import: ModuleNotFoundError: No module named 'checker'" if ISOLATED
                                 else "does not import: PermissionError: the grading sandbox does not allow opening"),
    # Zeros of the right shape honestly earn the contract checks and the gradient check (a constant
    # function's gradient is zero), 7 points; the stored examples (3 points) show they are wrong.
    "relu_patches_numpy": (7, "gives wrong values"),
    "relu_writes_fake_results": (0, "not implemented yet"),
    "relu_reads_solutions": (0, "not implemented yet"),
    "relu_reads_another_student": (0, "not implemented yet"),
    "relu_os_exit": (0, "the process exited with status 0"),
    "relu_sys_exit": (5, "called sys.exit(0)"),  # its forward is right: those 5 points are earned
    "relu_infinite_loop": (0, "did not return within"),
    "relu_import_time_loop": (0, "does not import: importing it did not finish"),
    "relu_huge_allocation": (0, "MemoryError"),
    "relu_spawns_processes": (0, "not implemented yet"),
    "relu_kills_the_grader": (0, "not implemented yet"),
    "relu_fake_array": (7, "gives wrong values"),  # its values are zeros, whatever its comparisons claim
    "relu_breaks_the_pipe": (0, "sandbox"),
}
WITH_REFERENCE_POOL = {"relu_os_exit", "relu_sys_exit", "relu_infinite_loop", "relu_huge_allocation"}
LIMITS = Limits(cpu_seconds=120, memory_mb=1024, call_seconds=3.0, test_seconds=45.0, wall_seconds=400.0)


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    submissions, out_csv, marker = base / "submissions", base / "out" / "grades.csv", base / "escaped.txt"
    write_reference(submissions / "honest_reference")
    write_stubs(submissions / "honest_stubs")
    for name in EXPECTED:
        folder = write_stubs(submissions / name)
        if name in WITH_REFERENCE_POOL:
            shutil.copyfile(SOLUTIONS / "pool.py", folder / "pool.py")
        text = (HOSTILE / f"{name}.py").read_text()
        for key, value in {"{SOLUTIONS}": SOLUTIONS, "{OTHER}": submissions / "honest_reference",
                           "{SUBMISSIONS}": submissions, "{ME}": name, "{RESULTS_DIR}": results_dir(out_csv),
                           "{OUT_CSV}": out_csv, "{MARKER}": marker}.items():
            text = text.replace(key, str(value))
        (folder / "relu.py").write_text(text)
    solutions_before = _tree_digest(SOLUTIONS)
    honest_before = _tree_digest(submissions / "honest_reference")
    summary = grade_all(submissions, out_csv, jobs=2, limits=LIMITS, include_hidden=False)
    return {"summary": summary, "results": {r.student: r for r in summary.results}, "base": base,
            "submissions": submissions, "out": out_csv, "marker": marker,
            "solutions_unchanged": solutions_before == _tree_digest(SOLUTIONS),
            "honest_unchanged": honest_before == _tree_digest(submissions / "honest_reference")}


@pytest.mark.parametrize("attack", sorted(EXPECTED))
def test_an_attack_earns_only_what_its_honest_code_earns_with_a_clear_reason(batch, attack):
    result = batch["results"][attack]
    points, reason = EXPECTED[attack]
    relu = [o for o in result.outcomes if o.exercise == "relu"]
    assert result.status == "graded", result.reason
    assert relu, "no relu outcome"
    assert sum(o.score for o in relu) == points, [(o.name, o.passed, o.message) for o in relu]
    failures = [o.message for o in relu if not o.passed]
    assert any(reason in message for message in failures), failures
    if attack in WITH_REFERENCE_POOL:  # the rest of the submission is graded as usual
        assert sum(o.score for o in result.outcomes if o.exercise == "pool") == 15
    assert result.score == points + (15 if attack in WITH_REFERENCE_POOL else 0)


def test_honest_students_in_the_same_run_are_graded_as_usual(batch):
    assert batch["results"]["honest_reference"].score == 100
    assert batch["results"]["honest_reference"].max_score == 100
    assert batch["results"]["honest_stubs"].score == 0


def test_the_grader_survives_and_grades_everyone(batch):
    assert sorted(batch["results"]) == sorted([*EXPECTED, "honest_reference", "honest_stubs"])
    assert not batch["summary"].errors
    rows = batch["out"].read_text().splitlines()
    assert len(rows) == 1 + len(EXPECTED) + 2


def test_no_file_outside_the_grader_s_own_was_written_or_read_into_a_grade(batch):
    assert not batch["marker"].exists(), "a spawned process escaped the sandbox"
    stray = [p for p in batch["submissions"].rglob("*") if p.name == "results.json"]
    assert not stray, stray
    stored = sorted(p.name for p in results_dir(batch["out"]).iterdir())
    assert stored == sorted(f"{s}.json" for s in batch["results"])
    assert batch["solutions_unchanged"] and batch["honest_unchanged"]
    header = batch["out"].read_text().splitlines()[0]
    assert header.startswith("student,status,score,max_score")
