"""Recognisable patterns in a wrong gradient, each turned into a hint that names the mistake.

Every function takes your gradient `a` and the numerical one `n` (same shape) and returns a
`Hint` or None. Each pattern is verified on the kit's catalogue of buggy implementations
(`tests/bugs/`, checked by `tests/selftest/test_feedback.py`); none may fire on correct code,
which is why each one demands an exact relation (to 1e-6), not a resemblance.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

EXACT = 1e-6


class Hint(NamedTuple):
    id: str | None  # a stable name for the mistake ("flip", "scale", ...), used by the kit's own tests; None: a fact
    # that names no kind of mistake (several features that each fix a case, say)
    text: str


def close(a: np.ndarray, b: np.ndarray) -> bool:
    scale = max(float(np.abs(b).max(initial=0)), float(np.abs(a).max(initial=0)), 1e-12)
    return a.shape == b.shape and float(np.abs(a - b).max(initial=0)) <= EXACT * scale


def not_repeatable(name: str) -> str:
    """The causes of a result that changes from one identical run to the next."""
    return (f"some entries of {name} are never written (np.empty keeps whatever was in memory: allocate with np.zeros, "
            f"and check that your loops reach every index), a buffer kept from an earlier call is reused without "
            f"being cleared, an array already returned (or cached) is written into later, or your code uses random "
            f"numbers")


def zeros(a: np.ndarray, n: np.ndarray, name: str) -> Hint | None:
    if not np.any(a) and np.any(n):
        stored = "backward must return dx" if name == "dx" else f"backward must set self.grads[{name[1:]!r}]"
        return Hint("zeros", f"your {name} is all zeros: nothing was computed or stored ({stored}), or it was "
                             f"computed from values that are all zero here (an empty sum or slice, entries read "
                             f"from the wrong place such as padding only, or a mask that is 0 here)")
    return None


def multiple(a: np.ndarray, n: np.ndarray) -> float | None:
    """r if `a` is r times `n` (neither all zero), else None."""
    if a.shape != n.shape or not np.any(n) or not np.any(a):
        return None
    r = float(np.sum(a * n) / np.sum(n * n))
    return r if close(a, r * n) else None


def ratio(a: np.ndarray, n: np.ndarray, name: str, batch: int | None = None) -> Hint | None:
    """`a` is a constant multiple r of `n` (r != 1)."""
    r = multiple(a, n)
    if r is None or abs(r - 1) < 1e-3:
        return None
    by_batch = bool(batch and batch > 1 and (abs(r - batch) < 1e-6 * batch or abs(r * batch - 1) < 1e-6))
    if np.count_nonzero(n) < 2 and not (by_batch or abs(r + 1) < 1e-6):
        return None  # one number is always "a multiple" of another: only a telling factor means something
    if abs(r + 1) < 1e-6:
        return Hint("sign", f"your {name} is exactly -1 x the true one: a sign error")
    if by_batch:
        how = "divided by" if r < 1 else "multiplied by"
        return Hint("scale", f"your {name} = {r:.4g} x the true one everywhere: {how} the batch size N = {batch}; "
                             "sum over the batch where the forward pass sums, average only where it averages")
    return Hint("scale", f"your {name} = {r:.4g} x the true one everywhere: a missing or extra scale factor")


def clipped(a: np.ndarray, n: np.ndarray, name: str) -> Hint | None:
    """`a` is `n` clipped to [-c, c], c the largest |a|: entries of n beyond c are capped, the others equal. Two
    capped entries, or one capped and one passed through, make a reading (one number fits any cap)."""
    if a.shape != n.shape or not np.all(np.isfinite(a)):
        return None
    c = float(np.abs(a).max(initial=0))
    capped = np.abs(n) > c * (1 + 1e-6)
    passed = ~capped & (n != 0)
    if c == 0 or not capped.any() or capped.sum() + passed.sum() < 2 or not close(a, np.clip(n, -c, c)):
        return None
    return Hint("clipped", f"your {name} is the true one clipped to [-{c:.4g}, {c:.4g}]: a backward passes the "
                           "gradient on whole, however large; leave clipping to the optimizer (np.clip has no place in "
                           "backward)")


ROUNDINGS = ((np.floor, "rounded down: a floor division // where / belongs"),
             (np.trunc, "rounded toward 0: a cast to an integer type (astype(int), int()) on the way"),
             (np.round, "rounded to whole numbers: an integer type on the way"))


def rounded(a: np.ndarray, n: np.ndarray, name: str) -> Hint | None:
    """`a` is `n` rounded to whole numbers (down, toward 0 or to the nearest), where `n` is not whole. An `a` of
    zeros is left to `zeros` (rounding toward 0 gives zeros whenever |n| < 1, so it would prove nothing), and one
    that is also `n` clipped to [-max|a|, max|a|] to `clipped`."""
    if a.shape != n.shape or not np.any(a) or not np.all(np.isfinite(n)) or np.array_equal(n, np.round(n)):
        return None
    cap = float(np.abs(a).max())
    if close(a, np.clip(n, -cap, cap)):
        return None  # a clip reads alike (values below 2 in size, clipped at 1): `clipped` tells which
    for rounding, what in ROUNDINGS:
        if close(a, rounding(n)):
            return Hint("dtype", f"your {name} is exactly the true one {what}")
    return None


def rotated(a: np.ndarray, n: np.ndarray, name: str) -> Hint | None:
    """The last two axes of `a` are those of `n` rotated by 180 degrees."""
    if a.ndim < 2 or close(n, n[..., ::-1, ::-1]):
        return None
    if close(a, n[..., ::-1, ::-1]):
        return Hint("flip", f"your {name} is the true one rotated by 180 degrees over its last two axes: "
                            "a convolution where the layer computes a cross-correlation (or a kernel flipped once too "
                            "often); index the window exactly as forward does")
    return None


def transposed(a: np.ndarray, n: np.ndarray, name: str) -> Hint | None:
    """`a` equals `n` with its last two axes swapped."""
    if a.ndim < 2 or a.shape[-1] != a.shape[-2] or close(n, np.swapaxes(n, -1, -2)):
        return None
    if close(a, np.swapaxes(n, -1, -2)):
        return Hint("transpose", f"your {name} is the true one with its last two axes swapped (a transpose)")
    return None


def probe_rotated(mine: np.ndarray, expected: np.ndarray) -> Hint | None:
    """A single-output probe window that comes back mirrored."""
    if mine.ndim == 2 and min(mine.shape) >= 1 and mine.size > 1 and rotated(mine, expected, "window"):
        return Hint("flip", "the window under one output comes back rotated by 180 degrees: each output gradient "
                            "must land on its window with the kernel in forward's orientation, "
                            "dx_pad[window] += dout[n, f, i, j] * W[f] (written as a full convolution of dout, that "
                            "is the kernel rotated by 180 degrees)")
    return None


def probe_transposed(mine: np.ndarray, expected: np.ndarray) -> Hint | None:
    """A single-output probe window whose gradient lands at (q, p) instead of (p, q)."""
    if mine.ndim == 2 and mine.shape[0] == mine.shape[1] > 1 and transposed(mine, expected, "window"):
        return Hint("transpose", "inside the window of one output the gradient lands at (q, p) instead of (p, q): the "
                                 "reshape/transpose that undoes the window flattening swaps the window's two axes; "
                                 "undo exactly the steps forward took, in reverse")
    return None


# Hints from what makes the failure go away: hypothesis has shrunk the case, so each remaining
# feature matters; removing one that makes the check pass points at the code that handles it.
COUNTERFACTUAL: dict[str, Hint] = {
    "stride": Hint("stride", "correct with stride 1, wrong with stride > 1 (correct only at some output positions): "
                             "in backward, the window of output (i, j) starts at (i*stride, j*stride), as in forward"),
    "padding": Hint("border", "correct without padding, wrong with it (errors at the border): pad x the same way in "
                              "forward and backward, and crop the padded gradient back with "
                              "dx_pad[:, :, p:p+H, p:p+W] (note that [p:-p] is empty when p = 0)"),
    "overlap": Hint("overlap", "correct when windows do not overlap, wrong when they do (stride < kernel): a cell "
                               "then belongs to several windows, so add each window's gradient (+=) instead of "
                               "overwriting it (=); `+=` through overlapping views of one array (a writeable "
                               "sliding_window_view, as_strided, fancy indexing with repeated indices) also keeps "
                               "only one share per cell: loop over the kernel offsets, or use np.add.at"),
    "batch": Hint("batch", "correct for one image, wrong for several: gradients of parameters are sums over the "
                           "batch (db sums dout over N too); for dx, each image gets its own gradient"),
    "channels": Hint("channels", "correct with one channel and one filter, wrong with more: check the axes you sum "
                                 "over (F for dx; N and the output pixels for dW and db) and the order of W's axes "
                                 "(F, C, KH, KW)"),
    "kernel": Hint("flip", "correct for 1x1 kernels, wrong for larger ones: the kernel's orientation or the window "
                           "indexing; forward is a cross-correlation, so in backward dout[n, f, i, j] * W[f] lands on "
                           "the window it came from, in forward's orientation (as a full convolution of dout: the "
                           "kernel rotated by 180 degrees)"),
}


COUNTERFACTUAL["square"] = Hint("square", "correct for a square kernel (or window), wrong for KH != KW: somewhere KH is "
                                          "used where KW belongs (or the reverse): a loop over the kernel columns "
                                          "running over range(KH), or a flat window index unravelled with KH "
                                          "(row = idx // KW, col = idx % KW)")
SQUARE_CRASH = Hint("square", "your code runs with the square kernels (or windows) KH x KH and KW x KW and raises "
                              "with this KH x KW one: somewhere KH is used where KW belongs (or the reverse): a loop over the kernel "
                              "columns running over range(KH), or a flat window index unravelled with KH (for a "
                              "KH x KW window, row = idx // KW and col = idx % KW)")



FORWARD_FIRST = Hint("forward", "your forward is wrong on this case (see the line above), and your backward works "
                                "from what it computed and cached: fix the forward first, then see whether this "
                                "gradient still fails")


def one_sided_stride(KH: int, KW: int, stride: int, crashed: bool) -> Hint:
    """Your code fails for a KH x KW window whose stride equals one side only, and works with a stride equal to
    neither: a shortcut for windows that tile the image, taken on half its condition."""
    side = "KH" if stride == KH else "KW"
    other = "KW" if side == "KH" else "KH"
    fails = "raises" if crashed else "goes wrong"
    return Hint("stride", f"your code {fails} for this {KH}x{KW} window when the stride equals {side} = {stride} but "
                          f"not {other}, and works with a stride equal to neither: a shortcut for windows that tile "
                          f"the image (a reshape into blocks) needs stride == KH and stride == KW; test both, or take "
                          f"the general path")


# Your code raised, and runs once one feature is removed. Removing channels is no evidence (size-1 axes broadcast
# and hide shape mistakes), so it names nothing; the order is the order the features are tried in.
CRASH: dict[str, Hint] = {
    "leftover": Hint("output_size", "your code runs when the windows cover the image exactly and raises when rows or "
                                    "columns are left over past the last window: no window may run past the border, "
                                    "so the output size rounds down, H_out = (H - KH) // stride + 1 (not a ceil)"),
    "padding": Hint("border", "your code raises with this padding and runs without it: look at the padded x's shape, "
                              "(N, C, H + 2p, W + 2p) wherever x is padded, in backward as in forward (by `padding`, "
                              "not another number; np.pad(x, p) would pad N and C too: np.pad(x, ((0, 0), (0, 0), "
                              "(p, p), (p, p))))"),
    "overlap": Hint("stride", "your code raises on this case, whose windows overlap (stride < window), and runs on the "
                              "same windows with the stride equal to the window size: window "
                              "(i, j) starts at (i*stride, j*stride), in backward as in forward (not at (i*KH, j*KW)), "
                              "and the output is (H - KH) // stride + 1 by (W - KW) // stride + 1"),
    "stride": Hint("stride", "your code raises with this stride and runs with stride 1: the output is "
                             "(H + 2p - KH) // stride + 1 by (W + 2p - KW) // stride + 1, and window (i, j) starts at "
                             "(i*stride, j*stride), in forward and backward alike"),
    "kernel": Hint("flip", "your code raises with this kernel and runs with a 1x1 one: check the window slices "
                           "x[..., i*s:i*s+KH, j*s:j*s+KW] and the kernel's axes (F, C, KH, KW)"),
    "batch": Hint("batch", "your code runs for one image and raises for several: check the shapes along the batch "
                           "axis N (a reshape, a sum or a product that drops or mixes it)"),
}
CRASH_ORDER = ("leftover", "padding", "overlap", "stride", "kernel", "batch")


def counterfactual(feature: str, tensor: str, specific: dict[tuple[str, str], Hint] | None = None) -> Hint:
    """The hint for a failure that goes away when `feature` is removed, worded for `tensor` where the exercise's
    spec has a more specific text (`COUNTERFACTUAL_HINTS`)."""
    found = (specific or {}).get((feature, tensor))
    return found if found is not None else COUNTERFACTUAL[feature]  # a spec's own feature needs no generic text
