"""Exercise 4/6: Linear (exercises/linear.py). Run: pytest tests/graded/test_linear.py, or gradkit check linear."""

import pytest
from hypothesis import given, settings

from gradkit.checker.specs.linear import check_linear_constructor
from gradkit.checker.fixtures import check_forward_examples
from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.instances import check_instances_independent
from gradkit.checker.layer_checks import check_backward_contract, check_forward_contract
from gradkit.checker.specs.linear import linear_cases


@pytest.mark.points(1)
@given(case=linear_cases())
def test_linear_forward_returns_the_right_shape_and_dtype(impl, case):
    check_forward_contract(impl, case)


@pytest.mark.points(3)
def test_linear_forward_matches_stored_examples(impl):
    check_forward_examples(impl, "linear")


@pytest.mark.points(1)
@given(case=linear_cases())
def test_linear_backward_keeps_the_contract(impl, case):
    check_backward_contract(impl, case)


@pytest.mark.points(3)
@given(case=linear_cases())
def test_linear_dx_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(3)
@given(case=linear_cases())
def test_linear_dW_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "W")


@pytest.mark.points(2)
@given(case=linear_cases())
def test_linear_db_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "b")


@pytest.mark.points(1)
def test_linear_constructor_follows_the_contract(impl):
    check_linear_constructor(impl)


@pytest.mark.points(1)
@settings(max_examples=10)  # any case shows shared state; a few guard against a lucky one
@given(case=linear_cases())
def test_linear_two_layers_do_not_share_state(impl, case):
    check_instances_independent(impl, case)
