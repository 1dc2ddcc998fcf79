"""The stored examples (outputs and gradients) are exactly what the reference computes (regenerate: python -m gradkit.release.fixtures)."""

import numpy as np
import pytest

from gradkit.checker.fixtures import load_examples
from gradkit.release.fixtures import EXAMPLES, generators, make_examples


@pytest.mark.parametrize("exercise", list(EXAMPLES))
def test_stored_examples_match_the_reference(exercise):
    fresh = make_examples(exercise, *generators(exercise))
    stored = load_examples(exercise)
    assert len(stored) == len(EXAMPLES[exercise])
    for i, example in enumerate(stored):
        for name, value in example.items():
            np.testing.assert_allclose(value, fresh[f"{i}/{name}"], rtol=1e-12, atol=1e-14, err_msg=f"{exercise} {i}/{name}")
