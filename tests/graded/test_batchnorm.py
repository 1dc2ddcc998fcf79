"""Extra exercise: BatchNorm2D (exercises/batchnorm.py), when the course includes it. Run: pytest
tests/graded/test_batchnorm.py, or gradkit check batchnorm."""

import pytest
from hypothesis import given, settings

from gradkit.checker.fixtures import check_forward_examples
from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.instances import check_instances_independent
from gradkit.checker.layer_checks import check_backward_contract, check_forward_contract
from gradkit.checker.specs.batchnorm import (
    batchnorm_cases,
    check_batchnorm_constructor,
    check_eval_keeps_running_statistics,
    check_running_statistics,
    running_cases,
)


@pytest.mark.points(1)
@given(case=batchnorm_cases())
def test_batchnorm_forward_returns_the_right_shape_and_dtype(impl, case):
    check_forward_contract(impl, case)


@pytest.mark.points(3)
def test_batchnorm_forward_matches_stored_examples_in_both_modes(impl):
    check_forward_examples(impl, "batchnorm")


@pytest.mark.points(1)
@given(case=batchnorm_cases())
def test_batchnorm_backward_keeps_the_contract(impl, case):
    check_backward_contract(impl, case)


@pytest.mark.points(4)
@given(case=batchnorm_cases())
def test_batchnorm_dx_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(2)
@given(case=batchnorm_cases())
def test_batchnorm_dgamma_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "gamma")


@pytest.mark.points(1)
@given(case=batchnorm_cases())
def test_batchnorm_dbeta_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "beta")


@pytest.mark.points(2)
@given(case=running_cases())
def test_batchnorm_training_updates_the_running_statistics(impl, case):
    check_running_statistics(impl, case)


@pytest.mark.points(1)
@settings(max_examples=10)  # any case shows an update; a few guard against a lucky one
@given(case=running_cases())
def test_batchnorm_evaluation_leaves_the_running_statistics_alone(impl, case):
    check_eval_keeps_running_statistics(impl, case)


@pytest.mark.points(1)
def test_batchnorm_constructor_and_modes_follow_the_contract(impl):
    check_batchnorm_constructor(impl)


@pytest.mark.points(1)
@settings(max_examples=10)  # any case shows shared state; a few guard against a lucky one
@given(case=batchnorm_cases())
def test_batchnorm_two_layers_do_not_share_state(impl, case):
    check_instances_independent(impl, case)
