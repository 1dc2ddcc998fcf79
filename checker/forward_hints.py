"""Why a forward output is wrong on a stored example: exact patterns that need no algorithm.

A stored example holds x, the parameters and the correct output, never an algorithm. These patterns compare
your output with the correct one alone: the correct values in another layout (a reshape where a transpose
belongs), or clipped at 0 (a running maximum started at 0). A spec adds its own exact counterfactuals through
its `forward_hint` (a convolution, say, splits exactly into smaller problems). Each is exact, so none can fire on
a correct forward.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from gradkit.checker.hints import Hint

EXACT = 1e-9  # relative to the largest expected entry, as the forward test compares


def same(a: Any, b: np.ndarray) -> bool:
    """Equal to b up to EXACT (relative to b's largest entry), with b's shape and finite."""
    if not isinstance(a, np.ndarray) or a.shape != b.shape or not np.all(np.isfinite(a)):
        return False
    return bool(np.abs(a - b).max(initial=0) <= EXACT * max(1.0, float(np.abs(b).max(initial=0))))


def layout(out: np.ndarray, expected: np.ndarray) -> Hint | None:
    """Your output holds exactly the right values, in other places: which axes were permuted, if one order fits.

    out, expected: the same shape, e.g. (N, F, Ho, Wo).
    """
    if out.shape != expected.shape or out.size < 2 or same(out, expected):
        return None
    if not same(np.sort(out, axis=None), np.sort(expected, axis=None)):
        return None
    for perm in itertools.permutations(range(expected.ndim)):
        if perm == tuple(range(expected.ndim)):
            continue
        if same(expected.transpose(perm).reshape(out.shape), out):
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
    if out.shape == expected.shape and np.any(expected < 0) and same(out, np.maximum(expected, 0.0)):
        return Hint("clip_zero", "your output is 0 exactly where the correct one is negative and right elsewhere: "
                                 "something clips it at 0 (np.maximum(..., 0), an activation inside this layer, or a "
                                 "running maximum that starts at 0 (np.zeros), which never goes below 0: start it at "
                                 "-inf or at the window's first entry)")
    return None


def bias_multiple(out: np.ndarray, expected: np.ndarray, bias: np.ndarray) -> Hint | None:
    """Your output is exactly the correct one plus c times the bias (c = -1: b left out; -2: b subtracted).

    bias: b broadcast against out, e.g. (1, F, 1, 1)."""
    full = np.broadcast_to(bias, expected.shape)
    c = float(np.sum((out - expected) * full) / np.sum(full * full))
    if abs(c) < 1e-6 or not same(out, expected + c * full):
        return None
    if abs(c + 1) < 1e-9:
        return Hint("bias", "your output is exactly the expected one minus b: add the bias b[f] to every output of "
                            "filter f")
    if abs(c + 2) < 1e-9:
        return Hint("bias", "your output is exactly the expected one with b subtracted instead of added: out = ... + b")
    return Hint("bias", f"your output is exactly the expected one plus {c:.4g} x b: the bias enters "
                        f"{1 + c:.4g} times; add b exactly once")


def rounded(out: np.ndarray, expected: np.ndarray) -> Hint | None:
    """Your output is the correct one rounded to whole numbers: down (floor division // where / belongs), toward 0
    (a cast to int), or to the nearest."""
    if out.shape != expected.shape or np.array_equal(expected, np.round(expected)):
        return None
    for rounding, what in ((np.floor, "rounded down: a floor division // where / belongs"),
                           (np.trunc, "rounded toward 0: a cast to an integer type (astype(int), int()) on the way"),
                           (np.round, "rounded to whole numbers: an integer type on the way")):
        if same(out, rounding(expected)):
            return Hint("dtype", f"your output is exactly the correct one {what}")
    return None


def first_example_everywhere(out: np.ndarray, expected: np.ndarray) -> Hint | None:
    """Your output for every example of the batch is the right output of the first example."""
    if out.shape != expected.shape or out.ndim < 2 or out.shape[0] < 2 or same(out, expected):
        return None
    if same(out, np.broadcast_to(expected[:1], expected.shape)) and not same(expected, np.broadcast_to(expected[:1],
                                                                                                        expected.shape)):
        return Hint("batch", "your output for every example is the right output of the first one: the loop over the "
                             "batch reads x[0] (a fixed index, or a variable left from an earlier loop) where x[n] "
                             "belongs")
    return None


def last_row_or_column(out: np.ndarray, expected: np.ndarray) -> Hint | None:
    """Your output (N, C, H_out, W_out) is right everywhere but in its last row and/or last column of windows."""
    if out.ndim != 4 or out.shape != expected.shape or (out.shape[2] - 1) * (out.shape[3] - 1) < 2:
        return None  # the rest must hold two windows at least: one right window is no evidence
    scale = EXACT * max(1.0, float(np.abs(expected).max(initial=0)))
    wrong = np.abs(out - expected) > scale
    inner = wrong[:, :, :-1, :-1]
    if not wrong.any() or inner.any():
        return None
    rows, columns = wrong[:, :, -1, :].any(), wrong[:, :, :, -1].any()
    where = "last row and last column" if rows and columns else "last row" if rows else "last column"
    return Hint("output_size", f"your output is right except its {where} of windows: a loop over the window positions "
                               "stops one short (range(0, H_in - KH, stride), H_in the (padded) input's height, leaves "
                               "out the last start; the starts are i * stride for i in range(H_out))")


def window_size(out: np.ndarray, x: np.ndarray, expected: np.ndarray, stride: int, KH: int, KW: int,
                reduce: str) -> Hint | None:
    """Your pooled output is the `reduce` ("max" or "mean") of windows of another size, each starting at the right
    place (i*stride, j*stride): one row and column larger (a slice's end taken as inclusive), stride x stride (the
    stride used as the window's size), KW x KH (the kernel's sides swapped) or square (one side used for both).

    out, expected: (N, C, H_out, W_out); x: (N, C, H, W). A window past the input's edge is cut there, as a slice is.
    """
    if out.ndim != 4 or out.shape != expected.shape or same(out, expected):
        return None
    H_out, W_out = expected.shape[2:]
    s = stride
    readings = [  # (window height, width, hint id, why)
        (KH + 1, KW + 1, "output_size", "one row and one column larger, x[i*s : i*s + KH + 1, j*s : j*s + KW + 1]: "
                                        "a slice's end is exclusive"),
        (s, s, "window", f"of the stride's size, {s} x {s} (x[i*s : i*s + s, j*s : j*s + s]): the window's size is "
                         "the kernel's, whatever the stride"),
        (KW, KH, "window", f"{KW} x {KH}, the kernel's sides swapped: kernel_size is (KH, KW), KH rows by KW columns"),
        (KH, KH, "window", f"{KH} x {KH}: KH is used where KW belongs"),
        (KW, KW, "window", f"{KW} x {KW}: KW is used where KH belongs"),
    ]
    summarise = np.max if reduce == "max" else np.mean
    matches: list[tuple[str, str]] = []
    for h, w, hint_id, why in readings:
        if (h, w) == (KH, KW):
            continue
        windows = np.stack([summarise(x[:, :, i * s:i * s + h, j * s:j * s + w], axis=(2, 3))
                            for i in range(H_out) for j in range(W_out)], axis=-1).reshape(expected.shape)
        if same(out, windows):
            matches.append((hint_id, why))
    if not matches:
        return None
    # Two readings can give the same numbers (a 2 x 3 kernel at stride 2 read as 2 x 2): each is named.
    whats = "; or of windows ".join(why for _, why in matches)
    return Hint(matches[0][0], f"your output holds the {'maxima' if reduce == 'max' else 'averages'} of windows "
                               f"{whats}; window (i, j) is x[i*s : i*s + KH, j*s : j*s + KW], KH x KW = {KH} x {KW}")
