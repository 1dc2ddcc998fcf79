"""The bug catalogue (tests/bugs/) loses points, names the right tensor and gives the expected hint; valid alternatives (tests/variants/,
tests/naive/) score full marks.

Each catalogue file is ``<exercise>_<mistake>.py``: a docstring, ``EXPECT = dict(exercise=..., tensor=..., hint=...)``
(``EXPECT = None`` for a variant) and the contract's class, subclassing the reference (or a variant) and overriding a
method. For every file a submission folder is built in tmp_path (the six reference files, ``<exercise>.py`` replaced by
the materialised file) and graded by ``gradkit.checker.runner.run_suite`` in a subprocess, on that exercise only (the naive
folder: every exercise).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from gradkit.checker.specs import EXERCISES
from gradkit.checker.runner import run_suite
from gradkit.checker.scoring import NOT_IMPLEMENTED, totals
from gradkit.release.catalogue import bug_files, course_including, exercise_of, materialise, read_expect, submission_with, variant_files

BUGS = bug_files()
VARIANTS = variant_files()
NAIVE = Path(__file__).resolve().parents[1] / "naive"

MIN_ENTRIES, MIN_PER_EXERCISE = 30, 3
RUN_TIMEOUT = 300  # seconds for one graded subprocess; a hung child fails its test instead of the CI job
# Third-party plugins the graded suite never uses; not loading them saves ~0.3 s in each of the ~65 child runs.
# (`-p no:NAME` is a no-op when NAME is not installed.)
CHILD_ARGS = ("-p", "no:benchmark", "-p", "no:anyio", "-p", "no:xdist")

# Hint ids the diagnosis gives (None: no specific hint applies).
HINTS = {
    "flip", "transpose", "scale", "sign", "zeros", "border", "stride", "pool_non_max", "pool_all_ties", "overlap",
    "rows_not_zero", "overflow", "mutation", "forward", "accumulate", "momentum_sign", "momentum_state", "weight_decay",
    "not_in_place", "dtype", "shape", "batch", "channels", "sum", "mask", "ignores_dout", "bias", "shared_state",
    "init_rng", "init_scale", "defaults", "stale_grads", "lr_schedule", "order", "nesterov", "skip_layers", "stale_params", "axis",
    "layout", "clip_zero", "order", "square", "unwritten", "cache_written", "cache_consumed", "labels", "indexing",
    "log_base", "no_softmax", "output_size", None,
    "keep_rate", "mask_rng", "mask_reused", "independent", "eval",
    "unbiased_var", "momentum_convention", "eval_updates", "running_stats", "mean_terms", "eps", "mode",
    "bias_correction", "step_count", "eps", "second_moment", "betas", "xhat", "swapped",  # adam, batchnorm
    "memory_order", "params_replaced", "ceiling", "cancellation", "zero_grad", "stale_cache", "keys", "clip",
    "hyperparameter", "call_state", "affine", "clipped", "window",
}
# Tensor names as the checker reports them (CheckFailure.tensor); params['<key>'] is matched by pattern.
TENSORS = {
    "dx", "dW", "db", "dscores", "out", "loss", "shape", "dtype", "x (mutated)", "dout (mutated)", "out (mutated)",
    "scores (mutated)", "y (mutated)", "params", "params (in place)", "grads (mutated)", "init", "defaults",
    "dgamma", "dbeta", "running_mean", "running_var",
}
PARAM_TENSOR = re.compile(r"params\['\w+'\]")

# Catalogue entries the checker misses, or catches without naming the expected tensor (realistic bugs, kept in the
# catalogue): expected failures until the checker is fixed; strict=True turns the fix into an XPASS failure, which
# says to delete the entry.
KNOWN_CHECKER_GAPS: dict[str, str] = {}


def class_names_of(tree: ast.Module) -> set[str]:
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)}


def class_names(path: Path) -> set[str]:
    return class_names_of(ast.parse(path.read_text()))


def bug_expect(path: Path) -> dict:
    found, expect = read_expect(path)
    assert found and isinstance(expect, dict), f"{path.name}: no EXPECT = dict(...)"
    return expect


def submission(tmp_path: Path, exercise: str, replacement: Path) -> Path:
    return submission_with(replacement, exercise, tmp_path / "submission")


def describe(run) -> str:
    """One line per outcome (result, name, tensor, hint, first message line), for assertion messages."""
    lines = []
    for o in run.outcomes:
        first = o.message.splitlines()[0] if o.message else ""
        mark = "PASS" if o.passed else o.status.upper()
        hint = getattr(o, "hint", None)
        lines.append(f"  {mark:<6} {o.short_name:<52} tensor={o.tensor!r:<18} hint={hint!r:<16} {first[:120]}")
    if not run.outcomes:
        lines.append(f"  (no outcomes; return code {run.returncode}; pytest output ends)\n{run.output[-3000:]}")
    return "\n".join(lines)


def grade(folder: Path, exercises: list[str] | None):
    # fork: a fork of the grading zygote, a second of CPU less for each of the ~270 runs here
    run = run_suite(str(folder), exercises, extra=CHILD_ARGS, timeout=RUN_TIMEOUT,
                    course=course_including(exercises or []), fork=True)
    assert run.outcomes, f"the graded suite produced no outcomes:\n{describe(run)}"
    return run


def bug_params():
    for path in BUGS:
        reason = KNOWN_CHECKER_GAPS.get(path.stem)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", list(bug_params()))
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
    if expect["hint"]:
        hinted = {o.hint for o in run.outcomes if not o.passed}
        assert expect["hint"] in hinted, f"the feedback never gives hint {expect['hint']!r}\n{report}"


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
    run = grade(NAIVE, list(EXERCISES))  # every exercise the kit knows, the extras too
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
    assert expect["exercise"] == exercise, (
        f"{path.name}: EXPECT exercise {expect['exercise']!r}, but the file name says {exercise!r}"
    )
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


@pytest.mark.parametrize("path", BUGS + VARIANTS, ids=[p.stem for p in BUGS + VARIANTS])
def test_materialised_file_stands_alone(path):
    """What is graded imports nothing from the kit: in nbgrader or the sandbox, `solutions` and `tests` are absent."""
    tree = ast.parse(materialise(path))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    kit = imported & {"solutions", "exercises", "tests", "checker", "gradkit"}
    assert not kit, f"{path.name}: the materialised file still imports {sorted(kit)}"
    assert EXERCISES[exercise_of(path)].cls in class_names_of(tree), f"{path.name}: materialised without its class"
