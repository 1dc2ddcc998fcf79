"""Instructor-only checks of SoftmaxCrossEntropy (never released): many classes, larger batches."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradkit.checker.fixtures import behind_the_forward, once_forward_is_right
from gradkit.checker.specs import softmax_ce as softmax
from gradkit.checker.specs.softmax_ce import SoftmaxCase
from gradkit.checker.specs.softmax_ce import check_softmax_gradient
from gradkit.checker.strategies import seeds

many = st.builds(SoftmaxCase, N=st.integers(6, 32), K=st.integers(11, 60), seed=seeds)


@pytest.mark.points(2)
@settings(max_examples=8)
@given(case=many)
def test_softmax_ce_hidden_dscores_with_many_classes(impl, case):
    behind_the_forward(impl, "softmax_ce", check_softmax_gradient, case)


@pytest.mark.points(1)
@settings(max_examples=8)
@given(case=many)
def test_softmax_ce_hidden_stable_with_many_classes(impl, case):
    once_forward_is_right(impl, "softmax_ce", "stability for huge scores", softmax.check_huge_scores, case)
