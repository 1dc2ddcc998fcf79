"""Exercise 2/6: MaxPool2D (exercises/pool.py). Run: pytest tests/graded/test_pool.py, or gradkit check pool."""

import pytest
from hypothesis import given, settings

from gradkit.checker.specs.pool import check_pool_defaults
from gradkit.checker.fixtures import check_forward_examples
from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.instances import check_instances_independent
from gradkit.checker.layer_checks import check_backward_contract, check_forward_contract
from gradkit.checker.specs.pool import check_ties
from gradkit.checker.specs.pool import pool_cases


@pytest.mark.points(2)
@given(case=pool_cases())
def test_pool_forward_returns_the_right_shape_and_dtype(impl, case):
    check_forward_contract(impl, case)


@pytest.mark.points(3)
def test_pool_forward_matches_stored_examples(impl):
    check_forward_examples(impl, "pool")


@pytest.mark.points(1)
@given(case=pool_cases())
def test_pool_backward_keeps_the_contract(impl, case):
    check_backward_contract(impl, case)


@pytest.mark.points(4)
@given(case=pool_cases())
def test_pool_dx_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(3)
@given(case=pool_cases())
def test_pool_dx_goes_to_one_maximum_when_values_tie(impl, case):
    check_ties(impl, case)


@pytest.mark.points(1)
def test_pool_stride_defaults_to_the_kernel_size(impl):
    check_pool_defaults(impl)


@pytest.mark.points(1)
@settings(max_examples=10)  # any case shows shared state; a few guard against a lucky one
@given(case=pool_cases())
def test_pool_two_layers_do_not_share_state(impl, case):
    check_instances_independent(impl, case)
