"""Instructor-only checks of Linear (never released): wider layers and larger batches."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradkit.checker.specs.linear import LinearCase
from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.strategies import seeds

wider = st.builds(LinearCase, N=st.integers(5, 16), D=st.integers(7, 40), M=st.integers(6, 20), seed=seeds)


@pytest.mark.points(1)
@settings(max_examples=8)
@given(case=wider)
def test_linear_hidden_dx_on_wider_layers(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(1)
@settings(max_examples=8)
@given(case=wider)
def test_linear_hidden_dW_on_wider_layers(impl, case):
    check_layer_gradient(impl, case, "W")


@pytest.mark.points(1)
@settings(max_examples=8)
@given(case=wider)
def test_linear_hidden_db_on_wider_layers(impl, case):
    check_layer_gradient(impl, case, "b")
