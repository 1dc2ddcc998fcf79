"""Exercise 3/6: ReLU (exercises/relu.py). Run: pytest tests/graded/test_relu.py, or gradkit check relu."""

import pytest
from hypothesis import given, settings

from gradkit.checker.fixtures import check_forward_examples
from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.instances import check_instances_independent
from gradkit.checker.layer_checks import check_backward_contract, check_forward_contract
from gradkit.checker.specs.relu import relu_cases


@pytest.mark.points(2)
@given(case=relu_cases())
def test_relu_forward_returns_the_right_shape_and_dtype(impl, case):
    check_forward_contract(impl, case)


@pytest.mark.points(2)
def test_relu_forward_matches_stored_examples(impl):
    check_forward_examples(impl, "relu")


@pytest.mark.points(2)
@given(case=relu_cases())
def test_relu_backward_keeps_the_contract(impl, case):
    check_backward_contract(impl, case)


@pytest.mark.points(3)
@given(case=relu_cases())
def test_relu_dx_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(1)
@settings(max_examples=10)  # any case shows shared state; a few guard against a lucky one
@given(case=relu_cases())
def test_relu_two_layers_do_not_share_state(impl, case):
    check_instances_independent(impl, case)
