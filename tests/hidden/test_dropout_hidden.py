"""Instructor-only checks of Dropout (never released): larger tensors of up to five axes, more values of p."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradkit.checker.specs.dropout import DropoutCase, check_dx_uses_the_forward_mask
from gradkit.checker.strategies import seeds

larger = st.builds(DropoutCase, shape=st.lists(st.integers(1, 9), min_size=2, max_size=5).map(tuple),
                   p=st.sampled_from((0.1, 0.3, 0.6, 0.9)), training=st.booleans(), seed=seeds)


@pytest.mark.points(2)
@settings(max_examples=8)
@given(case=larger)
def test_dropout_hidden_dx_on_larger_tensors(impl, case):
    check_dx_uses_the_forward_mask(impl, case)
