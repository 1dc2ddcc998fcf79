"""What every exercise's hypothesis strategy draws from (each spec, `checker/specs/<name>.py`, has its own
`cases()`, drawing a whole valid case: shapes, settings, seed).

Values are not drawn by hypothesis: its `arrays()` fills most cells with one repeated value, which puts inputs
on ReLU kinks and pooling ties. Checks draw values from `numpy.random.default_rng(case.seed)` instead. Sizes are
small, so shrinking ends at the smallest configuration that still fails ("a 1x1 image, a 1x2 kernel, padding 1").
"""

from __future__ import annotations

from hypothesis import strategies as st

seeds = st.integers(min_value=0, max_value=2**32 - 1)
small = st.integers(min_value=1, max_value=3)
