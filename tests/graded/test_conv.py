"""Exercise 1/6: Conv2D (exercises/conv.py). Run: pytest tests/graded/test_conv.py, or gradkit check conv."""

import pytest
from hypothesis import given, settings

from gradkit.checker.specs.conv import check_conv_constructor
from gradkit.checker.fixtures import check_forward_examples
from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.instances import check_instances_independent
from gradkit.checker.layer_checks import check_backward_contract, check_forward_contract
from gradkit.checker.specs.conv import conv_cases


@pytest.mark.points(2)
@given(case=conv_cases())
def test_conv_forward_returns_the_right_shape_and_dtype(impl, case):
    check_forward_contract(impl, case)


@pytest.mark.points(5)
def test_conv_forward_matches_stored_examples(impl):
    check_forward_examples(impl, "conv")


@pytest.mark.points(2)
@given(case=conv_cases())
def test_conv_backward_keeps_the_contract(impl, case):
    check_backward_contract(impl, case)


@pytest.mark.points(5)
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


@pytest.mark.points(2)
def test_conv_constructor_follows_the_contract(impl):
    check_conv_constructor(impl)


@pytest.mark.points(1)
@settings(max_examples=10)  # any case shows shared state; a few guard against a lucky one
@given(case=conv_cases())
def test_conv_two_layers_do_not_share_state(impl, case):
    check_instances_independent(impl, case)
