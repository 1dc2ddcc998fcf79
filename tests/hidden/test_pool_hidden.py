"""Instructor-only checks of MaxPool2D (never released): larger images, overlapping windows, ties."""

import pytest
from hypothesis import given, settings

from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.specs.pool import check_ties
from gradkit.checker.specs.pool import pool_cases


@pytest.mark.points(2)
@settings(max_examples=8)
@given(case=pool_cases(max_side=14))
def test_pool_hidden_dx_on_larger_images(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(1)
@settings(max_examples=8)
@given(case=pool_cases(max_side=14))
def test_pool_hidden_ties_on_larger_images(impl, case):
    check_ties(impl, case)
