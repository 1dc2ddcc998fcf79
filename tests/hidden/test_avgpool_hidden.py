"""Instructor-only checks of AvgPool2D (never released): larger images, overlapping windows, the global pool."""

import pytest
from hypothesis import given, settings

from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.specs.avgpool import global_cases, window_cases


@pytest.mark.points(1)
@settings(max_examples=8)
@given(case=window_cases(max_side=14))
def test_avgpool_hidden_dx_on_larger_images(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(1)
@settings(max_examples=8)
@given(case=global_cases(max_side=14))
def test_avgpool_hidden_global_dx_on_larger_images(impl, case):
    check_layer_gradient(impl, case, "x")
