"""Instructor-only checks of Adam (never released): long runs with weight decay and every setting mixed."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradkit.checker.specs import adam
from gradkit.checker.specs.adam import AdamCase
from gradkit.checker.strategies import seeds

shapes = st.lists(st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple), min_size=2, max_size=5)
long_runs = st.builds(AdamCase, shapes=shapes.map(tuple), lr=st.sampled_from([0.003, 0.05]),
                      beta1=st.sampled_from([0.8, 0.95]), beta2=st.sampled_from([0.99, 0.9999]),
                      eps=st.sampled_from([1e-6, 1e-2]), weight_decay=st.sampled_from([0.0, 1e-3, 0.05]),
                      steps=st.integers(10, 25), seed=seeds)


@pytest.mark.points(4)
@settings(max_examples=8)
@given(case=long_runs)
def test_adam_hidden_long_runs_with_weight_decay(impl, case):
    adam.check_changing_gradients(impl, case)
