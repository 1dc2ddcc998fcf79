"""Hypothesis strategies, one per exercise: each draws a whole valid case (shapes, settings, seed).

Values are not drawn here: hypothesis' `arrays()` fills most cells with one repeated value,
which puts inputs on ReLU kinks and pooling ties. Checks draw values from
`numpy.random.default_rng(case.seed)` instead. Sizes are small, so shrinking ends at the
smallest configuration that still fails ("a 1x1 image, a 1x2 kernel, padding 1").
"""

from __future__ import annotations

from hypothesis import strategies as st

from gradkit.checker.cases import ConvCase, LinearCase, PoolCase, ReluCase, SGDCase, SoftmaxCase

seeds = st.integers(min_value=0, max_value=2**32 - 1)
small = st.integers(min_value=1, max_value=3)


@st.composite
def conv_cases(draw: st.DrawFn, max_side: int = 7) -> ConvCase:
    """N, C, F in 1..3; kernel 1..3 per axis; stride 1..3; padding 0..2; H, W up to `max_side`.

    Only valid cases are built: H + 2*padding >= KH and likewise for W. Shrinks towards one
    1x1 image, one channel, one 1x1 filter, stride 1, no padding.
    """
    KH, KW = draw(small), draw(small)
    padding = draw(st.integers(0, 2))
    H = draw(st.integers(max(1, KH - 2 * padding), max_side))
    W = draw(st.integers(max(1, KW - 2 * padding), max_side))
    return ConvCase(
        N=draw(small), C=draw(small), F=draw(small), H=H, W=W, KH=KH, KW=KW,
        stride=draw(small), padding=padding, seed=draw(seeds),
    )


@st.composite
def pool_cases(draw: st.DrawFn, max_side: int = 8) -> PoolCase:
    """Windows of 1..3 per axis (at least 2 cells), stride 1..3 (overlapping when below the window)."""
    KH, KW = draw(small), draw(small)
    if KH * KW == 1:
        KW = 2
    return PoolCase(
        N=draw(small), C=draw(small),
        H=draw(st.integers(KH, max_side)), W=draw(st.integers(KW, max_side)),
        KH=KH, KW=KW, stride=draw(small), seed=draw(seeds),
    )


def relu_cases() -> st.SearchStrategy[ReluCase]:
    """Any shape of 1 to 4 axes, sides 1..5."""
    shapes = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)
    return st.builds(ReluCase, shape=shapes, seed=seeds)


def linear_cases() -> st.SearchStrategy[LinearCase]:
    """N in 1..4, D in 1..6, M in 1..5."""
    return st.builds(LinearCase, N=st.integers(1, 4), D=st.integers(1, 6), M=st.integers(1, 5), seed=seeds)


def softmax_cases() -> st.SearchStrategy[SoftmaxCase]:
    """N in 1..5 rows, K in 2..10 classes."""
    return st.builds(SoftmaxCase, N=st.integers(1, 5), K=st.integers(2, 10), seed=seeds)


def sgd_cases(weight_decay: bool = False) -> st.SearchStrategy[SGDCase]:
    """Two to four parameters of fixed small shapes; lr, momentum (and weight decay) from short lists."""
    # Both toy layers get the same names and shapes ("W", then "b"), as two real layers can: a velocity
    # shared between parameters, or kept per name only, then gives wrong values rather than a crash.
    shapes = st.sampled_from([((2,), (2,)), ((2, 3), (3,), (2, 3), (3,)), ((1,), (1,)), ((4, 1), (1,), (4, 1), (1,))])
    return st.builds(
        SGDCase,
        shapes=shapes,
        lr=st.sampled_from([0.1, 0.01, 0.5]),
        momentum=st.sampled_from([0.9, 0.5, 0.0, 0.99]),
        weight_decay=st.sampled_from([1e-2, 0.1, 5e-4]) if weight_decay else st.just(0.0),
        steps=st.integers(1, 6),
        seed=seeds,
    )
