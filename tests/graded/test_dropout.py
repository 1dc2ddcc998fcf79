"""Inverted dropout (exercises/dropout.py), outside the original six: a course adds it (course.toml,
`exercises = [..., "dropout"]`). Run: pytest tests/graded/test_dropout.py, or gradkit check dropout in such a course.

Dropout's forward is random, so no check here differentiates it numerically: dx is judged against the mask the same
forward call applied, and the mask's statistics on large inputs from fixed seeds (see checker/specs/dropout.py)."""

import pytest
from hypothesis import given

from gradkit.checker.fixtures import check_forward_examples
from gradkit.checker.layer_checks import check_backward_contract, check_forward_contract
from gradkit.checker.specs.dropout import (check_constructor, check_dx_uses_the_forward_mask, check_keep_rate,
                                           check_kept_entries_are_scaled, check_mask_from_rng, dropout_cases)


@pytest.mark.points(1)
@given(case=dropout_cases())
def test_dropout_forward_returns_the_right_shape_and_dtype(impl, case):
    check_forward_contract(impl, case)


@pytest.mark.points(2)
def test_dropout_is_the_identity_in_eval_mode(impl):
    check_forward_examples(impl, "dropout")


@pytest.mark.points(2)
def test_dropout_scales_the_kept_entries_by_1_over_1_minus_p(impl):
    check_kept_entries_are_scaled(impl)


@pytest.mark.points(2)
def test_dropout_keeps_each_entry_with_probability_1_minus_p(impl):
    check_keep_rate(impl)


@pytest.mark.points(2)
def test_dropout_draws_a_new_mask_from_its_rng_on_every_call(impl):
    check_mask_from_rng(impl)


@pytest.mark.points(1)
@given(case=dropout_cases())
def test_dropout_backward_keeps_the_contract(impl, case):
    check_backward_contract(impl, case)


@pytest.mark.points(4)
@given(case=dropout_cases())
def test_dropout_dx_uses_the_mask_of_the_last_forward(impl, case):
    check_dx_uses_the_forward_mask(impl, case)


@pytest.mark.points(1)
def test_dropout_constructor_follows_the_contract(impl):
    check_constructor(impl)
