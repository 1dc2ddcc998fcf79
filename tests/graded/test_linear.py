"""Exercise 4/6: Linear (exercises/linear.py). Run: pytest tests/graded/test_linear.py, or gradkit check linear."""

import pytest
from hypothesis import given

from checker.fixtures import check_forward_examples
from checker.gradcheck import check_layer_gradient
from checker.layer_checks import check_backward_contract, check_forward_contract
from checker.strategies import linear_cases


@pytest.mark.points(2)
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


@pytest.mark.points(3)
@given(case=linear_cases())
def test_linear_db_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "b")
