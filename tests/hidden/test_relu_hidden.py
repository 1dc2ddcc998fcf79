"""Instructor-only checks of ReLU (never released): larger tensors of up to five axes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradkit.checker.specs.relu import ReluCase
from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.strategies import seeds

larger = st.builds(ReluCase, shape=st.lists(st.integers(1, 9), min_size=2, max_size=5).map(tuple), seed=seeds)


@pytest.mark.points(2)
@settings(max_examples=8)
@given(case=larger)
def test_relu_hidden_dx_on_larger_tensors(impl, case):
    check_layer_gradient(impl, case, "x")
