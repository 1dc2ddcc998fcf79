"""Exercise 6/6: SGDMomentum (exercises/sgd_momentum.py). Run: pytest tests/graded/test_sgd_momentum.py."""

import pytest
from hypothesis import given, settings

from gradkit.checker.specs import sgd_momentum as momentum
from gradkit.checker.specs.sgd_momentum import sgd_cases


@pytest.mark.points(5)
@given(case=sgd_cases())
def test_sgd_momentum_follows_the_closed_form_for_a_constant_gradient(impl, case):
    momentum.check_constant_gradient(impl, case)


@pytest.mark.points(5)
@given(case=sgd_cases())
def test_sgd_momentum_keeps_one_velocity_per_parameter(impl, case):
    momentum.check_changing_gradients(impl, case)


@pytest.mark.points(4)
@given(case=sgd_cases(weight_decay=True))
def test_sgd_momentum_applies_weight_decay(impl, case):
    momentum.check_changing_gradients(impl, case)


@pytest.mark.points(3)
@settings(max_examples=10)  # 100+ steps each; the update's own tests check every step exactly, this one its direction
@given(case=sgd_cases())
def test_sgd_momentum_descends_a_quadratic(impl, case):
    momentum.check_descends_quadratic(impl, case)


@pytest.mark.points(2)
@given(case=sgd_cases(weight_decay=True))
def test_sgd_momentum_works_as_a_trainer_uses_it(impl, case):
    momentum.check_trainer_use(impl, case)


@pytest.mark.points(1)
@given(case=sgd_cases())
def test_sgd_momentum_has_the_contract_defaults(impl, case):
    momentum.check_defaults(impl, case)
