"""Exercise 5/6: SoftmaxCrossEntropy (exercises/softmax_ce.py). Run: pytest tests/graded/test_softmax_ce.py."""

import pytest
from hypothesis import given

from gradkit.checker.specs import softmax_ce as softmax
from gradkit.checker.fixtures import behind_the_forward, check_forward_examples, once_forward_is_right
from gradkit.checker.specs.softmax_ce import check_softmax_gradient
from gradkit.checker.specs.softmax_ce import softmax_cases


@pytest.mark.points(2)
@given(case=softmax_cases())
def test_softmax_ce_returns_a_float_loss_and_dscores_like_scores(impl, case):
    softmax.check_contract(impl, case)


@pytest.mark.points(3)
def test_softmax_ce_loss_matches_stored_examples(impl):
    check_forward_examples(impl, "softmax_ce")


@pytest.mark.points(3)
@given(case=softmax_cases())
def test_softmax_ce_is_stable_for_huge_scores(impl, case):
    once_forward_is_right(impl, "softmax_ce", "stability for huge scores", softmax.check_huge_scores, case)


@pytest.mark.points(5)
@given(case=softmax_cases())
def test_softmax_ce_dscores_matches_numerical_gradient(impl, case):
    behind_the_forward(impl, "softmax_ce", check_softmax_gradient, case)


@pytest.mark.points(2)
@given(case=softmax_cases())
def test_softmax_ce_dscores_rows_sum_to_zero(impl, case):
    behind_the_forward(impl, "softmax_ce", softmax.check_rows_sum_to_zero, case)
