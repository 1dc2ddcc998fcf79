"""The grading profile's examples cover every configuration the contract names."""

from hypothesis import given, settings

from gradkit.checker.plugin import PROFILE_GRADING
from gradkit.checker.specs.conv import conv_cases
from gradkit.checker.specs.pool import pool_cases


def drawn(strategy):
    cases = []

    @settings(settings.get_profile(PROFILE_GRADING))
    @given(case=strategy)
    def collect(case):
        cases.append(case)

    collect()
    return cases


def test_conv_cases_cover_batches_channels_strides_and_padding():
    cases = drawn(conv_cases())
    required = {
        "N = 1": lambda c: c.N == 1,
        "N > 1": lambda c: c.N > 1,
        "C != F": lambda c: c.C != c.F,
        "H != W": lambda c: c.H != c.W,
        "KH != KW": lambda c: c.KH != c.KW,
        "padding > 0": lambda c: c.padding > 0,
        "stride > 1, not dividing": lambda c: c.stride > 1 and (c.H + 2 * c.padding - c.KH) % c.stride != 0,
    }
    missing = [name for name, holds in required.items() if not any(holds(c) for c in cases)]
    assert not missing, f"the grading profile never draws: {missing}"
    assert all(c.H_out >= 1 and c.W_out >= 1 for c in cases)


def test_pool_cases_cover_overlapping_windows_and_odd_sizes():
    cases = drawn(pool_cases())
    assert any(c.overlapping for c in cases)
    assert any(not c.overlapping for c in cases)
    assert any(c.N > 1 and c.C > 1 for c in cases)
    assert any((c.H - c.KH) % c.stride != 0 for c in cases)
