"""Extra exercise: AvgPool2D (exercises/avgpool.py), windows and the global pool. Run: pytest
tests/graded/test_avgpool.py, or gradkit check avgpool (in a course that includes it)."""

import pytest
from hypothesis import given, settings

from gradkit.checker.fixtures import check_forward_examples
from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.instances import check_instances_independent
from gradkit.checker.layer_checks import check_backward_contract, check_forward_contract
from gradkit.checker.specs.avgpool import avgpool_cases, check_avgpool_defaults, global_cases, window_cases


@pytest.mark.points(2)
@given(case=avgpool_cases())
def test_avgpool_forward_returns_the_right_shape_and_dtype(impl, case):
    check_forward_contract(impl, case)


@pytest.mark.points(3)
def test_avgpool_forward_matches_stored_examples(impl):
    check_forward_examples(impl, "avgpool")


@pytest.mark.points(1)
@given(case=avgpool_cases())
def test_avgpool_backward_keeps_the_contract(impl, case):
    check_backward_contract(impl, case)


@pytest.mark.points(4)
@given(case=window_cases())
def test_avgpool_dx_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(2)
@given(case=global_cases())
def test_avgpool_global_dx_matches_numerical_gradient(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(1)
def test_avgpool_stride_defaults_to_the_kernel_size(impl):
    check_avgpool_defaults(impl)


@pytest.mark.points(1)
@settings(max_examples=10)  # any case shows shared state; a few guard against a lucky one
@given(case=avgpool_cases())
def test_avgpool_two_layers_do_not_share_state(impl, case):
    check_instances_independent(impl, case)
