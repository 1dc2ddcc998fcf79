"""Exercise: Adam (exercises/adam.py), in a course that includes it. Run: pytest tests/graded/test_adam.py."""

import pytest
from hypothesis import given, settings

from gradkit.checker.specs import adam
from gradkit.checker.specs.adam import adam_cases


@pytest.mark.points(5)
@given(case=adam_cases())
def test_adam_follows_the_closed_form_for_a_constant_gradient(impl, case):
    adam.check_constant_gradient(impl, case)


@pytest.mark.points(5)
@given(case=adam_cases())
def test_adam_keeps_m_and_v_per_parameter(impl, case):
    adam.check_changing_gradients(impl, case)


@pytest.mark.points(4)
@given(case=adam_cases(weight_decay=True))
def test_adam_applies_l2_weight_decay(impl, case):
    adam.check_changing_gradients(impl, case)


@pytest.mark.points(3)
@settings(max_examples=10)  # 100+ steps each; the update's own tests check every step exactly, this one its direction
@given(case=adam_cases())
def test_adam_descends_a_quadratic(impl, case):
    adam.check_descends_quadratic(impl, case)


@pytest.mark.points(2)
@given(case=adam_cases(weight_decay=True))
def test_adam_works_as_a_trainer_uses_it(impl, case):
    adam.check_trainer_use(impl, case)


@pytest.mark.points(1)
@given(case=adam_cases())
def test_adam_has_the_contract_defaults(impl, case):
    adam.check_defaults(impl, case)
