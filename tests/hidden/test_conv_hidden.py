"""Instructor-only checks of Conv2D (never released): the gradients on larger images and kernels.

Counted by `gradkit grade-all` and by the notebooks' hidden-test blocks at autograde; students see only
how many points these gave, never this code or its messages.
"""

import pytest
from hypothesis import given, settings

from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.specs.conv import conv_cases


@pytest.mark.points(2)
@settings(max_examples=8)
@given(case=conv_cases(max_side=12))
def test_conv_hidden_dx_on_larger_images(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(2)
@settings(max_examples=8)
@given(case=conv_cases(max_side=12))
def test_conv_hidden_dW_on_larger_images(impl, case):
    check_layer_gradient(impl, case, "W")


@pytest.mark.points(1)
@settings(max_examples=8)
@given(case=conv_cases(max_side=12))
def test_conv_hidden_db_on_larger_images(impl, case):
    check_layer_gradient(impl, case, "b")
