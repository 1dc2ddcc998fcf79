"""Exercise 2/6: MaxPool2D (exercises/pool.py). Run: pytest tests/graded/test_pool.py, or gradkit check pool."""

import pytest
from hypothesis import given

from checker.fixtures import check_forward_examples
from checker.gradcheck import check_layer_gradient
from checker.layer_checks import check_backward_contract, check_forward_contract
from checker.pooling import check_ties
from checker.strategies import pool_cases


@pytest.mark.points(2)
@given(case=pool_cases())
def test_pool_forward_returns_the_right_shape_and_dtype(impl, case):
    check_forward_contract(impl, case)


@pytest.mark.points(3)
def test_pool_forward_matches_stored_examples(impl):
    check_forward_examples(impl, "pool")


@pytest.mark.points(2)
@given(case=pool_cases())
def test_pool_backward_keeps_the_contract(impl, case):
    check_backward_contract(impl, case)


@pytest.mark.points(4)
@given(case=pool_cases())
def test_pool_dx_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(4)
@given(case=pool_cases())
def test_pool_dx_goes_to_one_maximum_when_values_tie(impl, case):
    check_ties(impl, case)
