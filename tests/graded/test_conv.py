"""Exercise 1/6: Conv2D (exercises/conv.py). Run: pytest tests/graded/test_conv.py, or gradkit check conv."""

import pytest
from hypothesis import given

from checker.fixtures import check_forward_examples
from checker.gradcheck import check_layer_gradient
from checker.layer_checks import check_backward_contract, check_forward_contract
from checker.strategies import conv_cases


@pytest.mark.points(3)
@given(case=conv_cases())
def test_conv_forward_returns_the_right_shape_and_dtype(impl, case):
    check_forward_contract(impl, case)


@pytest.mark.points(5)
def test_conv_forward_matches_stored_examples(impl):
    check_forward_examples(impl, "conv")


@pytest.mark.points(3)
@given(case=conv_cases())
def test_conv_backward_keeps_the_contract(impl, case):
    check_backward_contract(impl, case)


@pytest.mark.points(6)
@given(case=conv_cases())
def test_conv_dx_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(5)
@given(case=conv_cases())
def test_conv_dW_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "W")


@pytest.mark.points(3)
@given(case=conv_cases())
def test_conv_db_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "b")
