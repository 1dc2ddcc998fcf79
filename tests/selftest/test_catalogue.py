"""The bug catalogue (tests/bugs/) loses points and names the right tensor; valid alternatives (tests/variants/,
tests/naive/) score full marks.

Each catalogue file is ``<exercise>_<mistake>.py``: a docstring, ``EXPECT = dict(exercise=..., tensor=..., hint=...)``
(``EXPECT = None`` for a variant) and the contract's class, subclassing the reference and overriding one method.
For every file a submission folder is built in tmp_path (the six reference files, with ``<exercise>.py`` replaced)
and graded by ``checker.runner.run_suite`` in a subprocess, on that exercise only (the naive folder: all six).
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from checker.names import EXERCISES
from checker.runner import run_suite
from checker.scoring import NOT_IMPLEMENTED, totals

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
SOLUTIONS = REPO / "solutions"
BUGS = sorted((TESTS / "bugs").glob("*.py"))
VARIANTS = sorted((TESTS / "variants").glob("*.py"))
NAIVE = TESTS / "naive"

MIN_ENTRIES, MIN_PER_EXERCISE = 30, 3
RUN_TIMEOUT = 300  # seconds for one graded subprocess; a hung child fails its test instead of the CI job

# Hint ids the diagnosis gives (None: no specific hint applies).
HINTS = {
    "flip", "transpose", "scale", "sign", "zeros", "border", "stride", "pool_non_max", "pool_all_ties", "overlap",
    "rows_not_zero", "overflow", "mutation", "accumulate", "momentum_sign", "momentum_state", "weight_decay",
    "not_in_place", "dtype", "shape", None,
}
# Tensor names as the checker reports them (CheckFailure.tensor); params['<key>'] is matched by pattern.
TENSORS = {
    "dx", "dW", "db", "dscores", "out", "loss", "shape", "dtype", "x (mutated)", "dout (mutated)",
    "scores (mutated)", "y (mutated)", "params", "params (in place)", "grads (mutated)",
}
PARAM_TENSOR = re.compile(r"params\['\w+'\]")

# Catalogue entries the checker does not catch yet (realistic bugs, kept in the catalogue): each is an expected
# failure until the checker is fixed. strict=True turns the fix into an XPASS failure: then delete the entry.
KNOWN_CHECKER_GAPS = {
    "relu_backward_writes_into_dout": (
        "checker/contract.py require_unchanged crashes (ValueError) on a mutated 1-D array: "
        "_first_index(...)[1:-1] gives '0,' and int('') fails, so the outcome has tensor None"
    ),
    "linear_db_summed_to_scalar": (
        "checker/contract.py checked_grads: require_array on grads['b'] raises without tensor= "
        "(and says 'returned'), so a scalar db is reported with tensor None"
    ),
    "sgd_momentum_velocity_keyed_by_parameter_name": (
        "checker/momentum.py make_layers names every parameter uniquely (p0, p1, ...), so velocities keyed by "
        "parameter name alone are never shared between layers and the bug scores 20/20"
    ),
}


# ---------------------------------------------------------------------------------------------------------------
# reading catalogue files (by parsing, so a broken file fails its own test, not the collection)


def exercise_of(path: Path) -> str | None:
    """The exercise a catalogue file belongs to, from its name `<exercise>_<mistake>.py` (longest match)."""
    matches = [name for name in EXERCISES if path.stem.startswith(name + "_")]
    return max(matches, key=len) if matches else None


def read_expect(path: Path) -> tuple[bool, object]:
    """(found, value) of the module-level `EXPECT = dict(...)` / `{...}` / `None` assignment."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "EXPECT" for t in node.targets):
            value = node.value
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
                if value.args or any(k.arg is None for k in value.keywords):
                    raise ValueError("EXPECT = dict(...) takes keyword arguments only")
                return True, {k.arg: ast.literal_eval(k.value) for k in value.keywords}
            return True, ast.literal_eval(value)
    return False, None


def class_names(path: Path) -> set[str]:
    return {node.name for node in ast.parse(path.read_text()).body if isinstance(node, ast.ClassDef)}


def bug_expect(path: Path) -> dict:
    found, expect = read_expect(path)
    assert found and isinstance(expect, dict), f"{path.name}: no EXPECT = dict(...)"
    return expect


# ---------------------------------------------------------------------------------------------------------------
# grading a catalogue file


def submission(tmp_path: Path, exercise: str, replacement: Path) -> Path:
    """A submission folder: the six reference files, with `<exercise>.py` replaced by `replacement`."""
    folder = tmp_path / "submission"
    folder.mkdir()
    for ex in EXERCISES.values():
        shutil.copyfile(SOLUTIONS / ex.file, folder / ex.file)
    shutil.copyfile(replacement, folder / EXERCISES[exercise].file)
    return folder


def describe(run) -> str:
    """One line per outcome (name, points, tensor, first message line), for assertion messages."""
    lines = []
    for o in run.outcomes:
        first = o.message.splitlines()[0] if o.message else ""
        mark = "PASS" if o.passed else o.status.upper()
        lines.append(f"  {mark:<6} {o.short_name:<55} tensor={o.tensor!r:<20} {first[:140]}")
    if not run.outcomes:
        lines.append(f"  (no outcomes; return code {run.returncode}; pytest output ends)\n{run.output[-3000:]}")
    return "\n".join(lines)


def grade(folder: Path, exercises: list[str] | None):
    run = run_suite(str(folder), exercises, timeout=RUN_TIMEOUT)
    assert run.outcomes, f"the graded suite produced no outcomes:\n{describe(run)}"
    return run


def bug_params():
    for path in BUGS:
        reason = KNOWN_CHECKER_GAPS.get(path.stem)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", bug_params())
def test_catalogue_bug_loses_points_and_names_its_tensor(path, tmp_path):
    expect = bug_expect(path)
    exercise = expect["exercise"]
    run = grade(submission(tmp_path, exercise, path), [exercise])
    report = f"{path.name} (EXPECT {expect}):\n{describe(run)}"

    stubbed = [o.short_name for o in run.outcomes if o.status == NOT_IMPLEMENTED]
    assert not stubbed, f"outcomes reported as not implemented: {stubbed}\n{report}"
    assert {o.exercise for o in run.outcomes} == {exercise}, report
    score, most = totals(run.outcomes)[exercise]
    assert score < most, f"the bug scored full marks ({score:g}/{most:g}): the checker misses it\n{report}"
    named = [o for o in run.outcomes if not o.passed and o.tensor == expect["tensor"]]
    assert named, f"no failed outcome names tensor {expect['tensor']!r}\n{report}"


@pytest.mark.parametrize("path", VARIANTS, ids=[p.stem for p in VARIANTS])
def test_valid_variant_scores_full_marks(path, tmp_path):
    exercise = exercise_of(path)
    assert exercise is not None, f"{path.name} is not named <exercise>_<variant>.py"
    run = grade(submission(tmp_path, exercise, path), [exercise])
    score, most = totals(run.outcomes)[exercise]
    assert score == most and all(o.passed for o in run.outcomes), (
        f"valid variant {path.name} scored {score:g}/{most:g} (a false alarm):\n{describe(run)}"
    )


def test_naive_implementation_scores_full_marks():
    run = grade(NAIVE, None)
    scores = totals(run.outcomes)
    assert set(scores) == set(EXERCISES), f"exercises graded: {sorted(scores)}\n{describe(run)}"
    lost = {e: f"{s:g}/{m:g}" for e, (s, m) in scores.items() if s < m}
    assert not lost, f"tests/naive lost points in {lost}:\n{describe(run)}"


# ---------------------------------------------------------------------------------------------------------------
# the catalogue's shape (fast, no subprocess)


def test_catalogue_is_large_enough_and_covers_every_exercise():
    per_exercise = {name: 0 for name in EXERCISES}
    for path in BUGS:
        exercise = exercise_of(path)
        assert exercise is not None, f"{path.name} is not named <exercise>_<mistake>.py"
        per_exercise[exercise] += 1
    assert len(BUGS) >= MIN_ENTRIES, f"only {len(BUGS)} catalogue entries; expected at least {MIN_ENTRIES}"
    thin = {e: n for e, n in per_exercise.items() if n < MIN_PER_EXERCISE}
    assert not thin, f"exercises with fewer than {MIN_PER_EXERCISE} catalogue entries: {thin}"
    assert set(KNOWN_CHECKER_GAPS) <= {p.stem for p in BUGS}, "KNOWN_CHECKER_GAPS names a file that does not exist"


@pytest.mark.parametrize("path", BUGS, ids=[p.stem for p in BUGS])
def test_catalogue_file_is_well_formed(path):
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    assert docstring and len(docstring.splitlines()) >= 2, f"{path.name}: needs a docstring saying what is wrong"
    expect = bug_expect(path)
    assert set(expect) == {"exercise", "tensor", "hint"}, f"{path.name}: EXPECT keys {sorted(expect)}"
    exercise = exercise_of(path)
    assert expect["exercise"] == exercise, f"{path.name}: EXPECT exercise {expect['exercise']!r}, file name says {exercise!r}"
    tensor = expect["tensor"]
    assert tensor in TENSORS or (isinstance(tensor, str) and PARAM_TENSOR.fullmatch(tensor)), (
        f"{path.name}: EXPECT tensor {tensor!r} is not a name the checker reports"
    )
    assert expect["hint"] in HINTS, f"{path.name}: unknown hint id {expect['hint']!r}"
    assert EXERCISES[exercise].cls in class_names(path), f"{path.name}: defines no class {EXERCISES[exercise].cls}"


@pytest.mark.parametrize("path", VARIANTS, ids=[p.stem for p in VARIANTS])
def test_variant_file_is_well_formed(path):
    assert ast.get_docstring(ast.parse(path.read_text())), f"{path.name}: needs a docstring"
    found, expect = read_expect(path)
    assert found and expect is None, f"{path.name}: a valid variant declares EXPECT = None"
    exercise = exercise_of(path)
    assert exercise is not None, f"{path.name} is not named <exercise>_<variant>.py"
    assert EXERCISES[exercise].cls in class_names(path), f"{path.name}: defines no class {EXERCISES[exercise].cls}"
