"""Why a forward output is wrong on a stored example: exact patterns and exact counterfactuals.

A stored example holds x, the parameters and the correct output, never an algorithm. Two kinds of hint
need nothing more:

* patterns: your output is the correct one with its entries in another layout (a reshape where a
  transpose belongs), or clipped at 0 (a running maximum started at 0);
* counterfactuals: a convolution splits exactly into smaller ones, so the example's correct output is
  also the sum or stack of *your* forward on simpler problems: one input channel at a time, one filter
  at a time, one image at a time, one 1x1 kernel offset at a time, the input padded beforehand
  (padding 0), stride 1 then every stride-th output, a square kernel with zero weights in the extra
  column. If your forward gets the split problem right and the whole one wrong, the feature that was
  split away is where the mistake is. Each is exact, so none can fire on a correct forward.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from gradkit.checker.guard import call
from gradkit.checker.hints import Hint
from gradkit.checker.results import CheckFailure

EXACT = 1e-9  # relative to the largest expected entry, as the forward test compares


def _same(a: Any, b: np.ndarray) -> bool:
    if not isinstance(a, np.ndarray) or a.shape != b.shape or not np.all(np.isfinite(a)):
        return False
    return bool(np.abs(a - b).max(initial=0) <= EXACT * max(1.0, float(np.abs(b).max(initial=0))))


def layout(out: np.ndarray, expected: np.ndarray) -> Hint | None:
    """Your output holds exactly the right values, in other places: which axes were permuted, if one order fits.

    out, expected: the same shape, e.g. (N, F, Ho, Wo).
    """
    if out.shape != expected.shape or out.size < 2 or _same(out, expected):
        return None
    if not _same(np.sort(out, axis=None), np.sort(expected, axis=None)):
        return None
    for perm in itertools.permutations(range(expected.ndim)):
        if perm == tuple(range(expected.ndim)):
            continue
        if _same(expected.transpose(perm).reshape(out.shape), out):
            names = "NFHW"[: expected.ndim] if expected.ndim == 4 else "".join(f"a{i}" for i in range(expected.ndim))
            order = ", ".join(names[p] if expected.ndim == 4 else f"axis {p}" for p in perm)
            inverse = tuple(int(i) for i in np.argsort(perm))
            return Hint("layout", f"your output holds exactly the right values in the wrong places: it is the correct "
                                  f"output laid out in the order ({order}) and then reshaped to {out.shape}; a reshape "
                                  f"never moves an axis: reshape to the order your product gives, then "
                                  f"transpose{inverse} (for a (N*Ho*Wo, F) product: reshape to (N, Ho, Wo, F), then "
                                  f"transpose(0, 3, 1, 2))")
    return Hint("layout", "your output holds exactly the right values in the wrong places: an axis order is mixed up "
                          "(a reshape where a transpose belongs)")


def clipped_at_zero(out: np.ndarray, expected: np.ndarray) -> Hint | None:
    """Your output is max(expected, 0): right wherever the true value is positive, 0 where it is negative."""
    if out.shape == expected.shape and np.any(expected < 0) and _same(out, np.maximum(expected, 0.0)):
        return Hint("clip_zero", "your output is 0 exactly where the correct one is negative and right elsewhere: a "
                                 "running maximum that starts at 0 (np.zeros) never goes below 0; start it at -inf or "
                                 "at the window's first entry")
    return None


# ---------------------------------------------------------------- convolution counterfactuals

def _conv(make: Callable[[dict[str, int]], Any], config: dict[str, int], W: np.ndarray, b: np.ndarray,
          x: np.ndarray) -> np.ndarray:
    """Your forward on a smaller problem (config overrides, its own W (F, C, KH, KW), b (F,), x (N, C, H, W))."""
    layer = make(config)
    layer.params["W"][...] = W
    layer.params["b"][...] = b
    return call(layer, "forward", x.copy())


def _conv_variants(make: Callable[[dict[str, int]], Any], config: dict[str, int], example: dict[str, np.ndarray]
                   ) -> dict[str, Callable[[], np.ndarray]]:
    """The example's output rebuilt from your forward on simpler problems, one per feature split away."""
    W, b, x = example["W"], example["b"], example["x"]
    F, C, KH, KW = W.shape
    N, _, H, Wd = x.shape
    s, p = config["stride"], config["padding"]
    Ho, Wo = (H + 2 * p - KH) // s + 1, (Wd + 2 * p - KW) // s + 1
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    zero_b = np.zeros_like(b)
    found: dict[str, Callable[[], np.ndarray]] = {}
    if C > 1:
        found["channels"] = lambda: b.reshape(1, -1, 1, 1) + sum(
            _conv(make, {**config, "C": 1}, W[:, c:c + 1], zero_b, x[:, c:c + 1]) for c in range(C))
    if F > 1:
        found["filters"] = lambda: np.concatenate(
            [_conv(make, {**config, "F": 1}, W[f:f + 1], b[f:f + 1], x) for f in range(F)], axis=1)
    if N > 1:
        found["batch"] = lambda: np.concatenate([_conv(make, config, W, b, x[n:n + 1]) for n in range(N)], axis=0)
    if KH * KW > 1:
        def offsets() -> np.ndarray:
            one = {**config, "KH": 1, "KW": 1, "padding": 0}
            crops = [(q, r) for q in range(KH) for r in range(KW)]
            return b.reshape(1, -1, 1, 1) + sum(
                _conv(make, one, W[:, :, q:q + 1, r:r + 1], zero_b,
                      xp[:, :, q:q + s * (Ho - 1) + 1, r:r + s * (Wo - 1) + 1]) for q, r in crops)
        found["kernel"] = offsets
    if p > 0:
        found["padding"] = lambda: _conv(make, {**config, "padding": 0}, W, b, xp)
    if s > 1:
        found["stride"] = lambda: _conv(make, {**config, "stride": 1}, W, b, x)[:, :, ::s, ::s][:, :, :Ho, :Wo]
    if KH != KW:
        K = max(KH, KW)
        square = np.zeros((F, C, K, K))
        square[:, :, :KH, :KW] = W
        # Extra zero rows/columns at the far end keep the output size; they meet only zero weights.
        wider = np.pad(x, ((0, 0), (0, 0), (0, K - KH), (0, K - KW)))
        found["square"] = lambda: _conv(make, {**config, "KH": K, "KW": K}, square, b, wider)[:, :, :Ho, :Wo]
    return found


CONV_HINTS = {
    "square": Hint("square", "right for a square kernel, wrong for KH != KW: somewhere KH is used where KW belongs (or "
                             "the reverse), e.g. a loop over the kernel columns running over range(KH)"),
    "padding": Hint("border", "right without padding, wrong with it: pad every side of H and W with `padding` zeros "
                              "(np.pad), and use the padded input everywhere"),
    "stride": Hint("stride", "right with stride 1, wrong with a larger stride: window (i, j) starts at "
                             "(i*stride, j*stride) of the (padded) input"),
    "filters": Hint("channels", "right for one filter at a time, wrong with several: the F axis of your output is "
                                "mixed with another axis (a (N*Ho*Wo, F) product must be reshaped to (N, Ho, Wo, F) "
                                "and transposed to (N, F, Ho, Wo), not reshaped straight to (N, F, Ho, Wo))"),
    "batch": Hint("batch", "right for one image at a time, wrong with several: the batch axis N is mixed with another "
                           "axis; each image's output depends on that image only"),
    "channels": Hint("channels", "right with one input channel, wrong with several: out[n, f] sums W[f, c] times the "
                                 "window of channel c over every c; if you flatten windows into rows (im2col), "
                                 "flatten them in the same order as W.reshape(F, -1), which is (c, p, q)"),
    "kernel": Hint("flip", "right for a 1x1 kernel, wrong for larger ones: kernel offset (p, q) must meet input pixel "
                           "(i*stride + p, j*stride + q), with the kernel not flipped (a cross-correlation)"),
}
ORDER_HINT = Hint("order", "right with one input channel, and right with a 1x1 kernel, wrong only with both: the "
                           "window entries are flattened in another order than the weights. W.reshape(F, -1) orders "
                           "them (c, p, q), channel slowest; your im2col rows must use the same (c, p, q) order "
                           "(rows in (p, q, c) order meet the wrong weights)")


def conv_counterfactual(make: Callable[[dict[str, int]], Any], config: dict[str, int],
                        example: dict[str, np.ndarray]) -> Hint | None:
    """The feature whose splitting-away makes your forward right on this example, as a hint (None if none does)."""
    passing = []
    for feature, rebuilt in _conv_variants(make, config, example).items():
        try:
            if _same(rebuilt(), example["out"]):
                passing.append(feature)
        except (CheckFailure, ValueError, TypeError, IndexError):
            continue  # your forward cannot run the simpler problem either: no evidence
    if {"channels", "kernel"} <= set(passing) and len(passing) == 2:
        return ORDER_HINT
    for feature in CONV_HINTS:  # most specific first
        if feature in passing:
            return CONV_HINTS[feature]
    return None
