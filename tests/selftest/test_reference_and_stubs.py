"""The grader's two anchors: the reference scores 100% on every run, the untouched stubs exactly 0."""

import pytest

from gradkit.checker.runner import run_suite
from gradkit.checker.scoring import NOT_IMPLEMENTED

FLAKE_HUNT_SEEDS = range(1, 21)


def describe(run):
    return "\n".join(f"{o.exercise}:{o.name} {o.status} {o.message.splitlines()[0] if o.message else ''}"
                     for o in run.outcomes if not o.passed) or run.output[-3000:]


def test_reference_scores_full_marks_when_graded():
    run = run_suite("solutions")
    assert run.max_score == 100
    assert run.score == run.max_score, describe(run)
    assert run.returncode == 0


@pytest.mark.parametrize("seed", FLAKE_HUNT_SEEDS)
def test_reference_scores_full_marks_with_random_hypothesis_seeds(seed):
    run = run_suite("solutions", extra=["--hypothesis-profile", "gradkit-thorough", f"--hypothesis-seed={seed}"],
                    fork=True)
    assert run.score == run.max_score == 100, describe(run)


def test_stubs_score_exactly_zero_with_one_clean_line_per_exercise():
    run = run_suite("exercises")
    assert run.max_score == 100 and run.score == 0
    assert {o.status for o in run.outcomes} == {NOT_IMPLEMENTED}
    assert run.returncode == 1
    assert "Traceback" not in run.output and "NotImplementedError" not in run.output
    table = run.output[run.output.index("gradkit score"):]
    for line in ["conv             0/25    not implemented yet: exercises/conv.py Conv2D.forward",
                 "sgd_momentum     0/20    not implemented yet: exercises/sgd_momentum.py SGDMomentum.step"]:
        assert line in table
    assert len(run.output.splitlines()) < 40, run.output
