"""Instructor-only checks of BatchNorm2D (never released): larger batches, more channels."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradkit.checker.specs.batchnorm import BatchNormCase
from gradkit.checker.gradcheck import check_layer_gradient
from gradkit.checker.strategies import seeds

larger = st.builds(BatchNormCase, N=st.integers(4, 8), C=st.integers(3, 6), H=st.integers(2, 6), W=st.integers(2, 6),
                   seed=seeds)


@pytest.mark.points(1)
@settings(max_examples=8)
@given(case=larger)
def test_batchnorm_hidden_dx_on_larger_batches(impl, case):
    check_layer_gradient(impl, case, "x")


@pytest.mark.points(1)
@settings(max_examples=8)
@given(case=larger)
def test_batchnorm_hidden_dgamma_on_larger_batches(impl, case):
    check_layer_gradient(impl, case, "gamma")
