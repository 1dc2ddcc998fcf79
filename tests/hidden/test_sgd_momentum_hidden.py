"""Instructor-only checks of SGDMomentum (never released): long runs with weight decay."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradkit.checker.specs import sgd_momentum as momentum
from gradkit.checker.specs.sgd_momentum import SGDCase
from gradkit.checker.strategies import seeds

shapes = st.lists(st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple), min_size=2, max_size=5)
long_runs = st.builds(SGDCase, shapes=shapes.map(tuple), lr=st.sampled_from([0.05, 0.2]),
                      momentum=st.sampled_from([0.8, 0.95]), weight_decay=st.sampled_from([0.0, 1e-3, 0.05]),
                      steps=st.integers(10, 25), seed=seeds)


@pytest.mark.points(4)
@settings(max_examples=8)
@given(case=long_runs)
def test_sgd_momentum_hidden_long_runs_with_weight_decay(impl, case):
    momentum.check_changing_gradients(impl, case)
