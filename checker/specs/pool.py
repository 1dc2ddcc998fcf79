"""Exercise pool: MaxPool2D, max-pooling without padding, windows that may overlap (everything the kit knows of it
beyond the generic layer checks; and its check at ties)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
from hypothesis import strategies as st

from gradkit.checker import forward_hints, inputs
from gradkit.checker.construction import same_forward
from gradkit.checker.contract import checked_backward, checked_forward
from gradkit.checker.impl import Implementation
from gradkit.checker.guard import call, construct
from gradkit.checker.hints import Hint
from gradkit.checker.results import CheckFailure, judged_where_possible, remembers_case
from gradkit.checker.specs import plural
from gradkit.checker.strategies import seeds, small


class PoolCase(NamedTuple):
    N: int
    C: int
    H: int
    W: int
    KH: int
    KW: int
    stride: int
    seed: int

    exercise = "pool"

    @property
    def x_shape(self) -> tuple[int, int, int, int]:
        return (self.N, self.C, self.H, self.W)

    @property
    def out_shape(self) -> tuple[int, int, int, int]:
        return (self.N, self.C, (self.H - self.KH) // self.stride + 1, (self.W - self.KW) // self.stride + 1)

    @property
    def out_formula(self) -> str:
        H_out, W_out = self.out_shape[2:]
        return (
            f"(N, C, H_out, W_out) with H_out = (H - KH) // stride + 1 = ({self.H} - {self.KH}) // {self.stride} + 1"
            f" = {H_out}, W_out = ({self.W} - {self.KW}) // {self.stride} + 1 = {W_out}"
        )

    @property
    def overlapping(self) -> bool:
        """Whether two windows share a cell: a stride below the window along an axis with two outputs or more."""
        _, _, H_out, W_out = self.out_shape
        return (self.stride < self.KH and H_out > 1) or (self.stride < self.KW and W_out > 1)

    def __str__(self) -> str:
        overlap = " (overlapping windows)" if self.overlapping else ""
        return (
            f"{plural(self.N, 'image')} of {self.H}x{self.W} with {plural(self.C, 'channel')}, "
            f"{self.KH}x{self.KW} window, stride {self.stride}{overlap}"
        )


Case = PoolCase


@st.composite
def cases(draw: st.DrawFn, max_side: int = 8) -> Case:
    """Windows of 1..3 per axis (at least 2 cells), stride 1..3 (overlapping when below the window)."""
    KH, KW = draw(small), draw(small)
    if KH * KW == 1:
        KW = 2
    return Case(
        N=draw(small), C=draw(small),
        H=draw(st.integers(KH, max_side)), W=draw(st.integers(KW, max_side)),
        KH=KH, KW=KW, stride=draw(small), seed=draw(seeds),
    )


pool_cases = cases

# ---------------------------------------------------------------- building

PARAMS = ()


def build(impl: Any, case: Case, rng: np.random.Generator) -> Any:
    return construct(impl.MaxPool2D, (case.KH, case.KW), case.stride)


def make_input(case: Case, rng: np.random.Generator) -> np.ndarray:
    return inputs.distinct(rng, case.x_shape)  # no ties


# ---------------------------------------------------------------- diagnosis

def variants(case: Case) -> Iterator[tuple[str, Case]]:
    """The case with one feature removed, keeping the number of output positions (most specific first)."""
    H_out, W_out = case.out_shape[2:]
    if (case.H - case.KH) % case.stride or (case.W - case.KW) % case.stride:
        yield "leftover", case._replace(H=(H_out - 1) * case.stride + case.KH, W=(W_out - 1) * case.stride + case.KW)
    if case.KH != case.KW:
        yield "square", square(case, max(case.KH, case.KW))
    if case.overlapping:
        yield "overlap", resized(case, case.KH, case.KW, max(case.KH, case.KW))
    if case.N > 1:
        yield "batch", case._replace(N=1)


def resized(case: Case, KH: int, KW: int, stride: int) -> Case:
    """The case with another window and stride, the image changed to keep the output size and, as far as the new
    stride allows, the rows and columns left over past the last window (so a crash there is not removed too)."""
    H_out, W_out = case.out_shape[2:]
    left_h = min((case.H - case.KH) % case.stride, stride - 1)
    left_w = min((case.W - case.KW) % case.stride, stride - 1)
    return case._replace(KH=KH, KW=KW, stride=stride, H=(H_out - 1) * stride + KH + left_h,
                         W=(W_out - 1) * stride + KW + left_w)

TILES_ONLY = Hint("stride", "correct when the stride equals the window size (windows tile the image), wrong when they "
                            "overlap and also when they leave gaps (stride > window): window (i, j) covers rows "
                            "i*stride .. i*stride + KH - 1 and columns j*stride .. j*stride + KW - 1 whatever the "
                            "stride; spreading dout by repeating it in blocks (np.kron, np.repeat, a reshape) fits only "
                            "stride == window")


def refine_counterfactual(case: Case, feature: str, tensor: str, passes: Any) -> Hint | None:
    """Windows that tile pass: if windows with gaps between them fail too, the mistake is not about overlap."""
    if feature == "overlap" and not passes(resized(case, case.KH, case.KW, max(case.KH, case.KW) + 1)):
        return TILES_ONLY
    return None



def scale_hint(case: Case, tensor: str, ratio: float) -> Hint | None:
    """Your dx is `ratio` x the true one: divided by a count of the whole array, or by the window's area."""
    windows, area = case.N * case.C * case.out_shape[2] * case.out_shape[3], case.KH * case.KW
    if windows > 1 and windows != area and abs(ratio * windows - 1) < 1e-6:
        return Hint("scale", f"your dx is the true one divided by {windows}, the number of windows (N*C*H_out*W_out): "
                             "something counts over the whole array where it should count per window (a mask's "
                             ".sum() without axis= when splitting ties), or divides by dout.size")
    if area > 1 and abs(ratio * area - 1) < 1e-6:
        return Hint("scale", f"your dx is the true one divided by KH*KW = {area}: that spreads dout like average "
                             "pooling; max pooling sends each window's whole gradient to its maximum")
    return None


def square(case: Case, side: int) -> Case:
    """The case with a side x side window, the image changed as `resized` does."""
    return resized(case, side, side, case.stride)


def squares(case: Case) -> list[Case]:
    """KH x KH and KW x KW versions of a case with KH != KW (for a crash that only KH != KW causes)."""
    return [square(case, side) for side in (case.KH, case.KW)] if case.KH != case.KW else []


def window(case: Case, position: tuple[int, ...]) -> tuple[slice, slice]:
    """The input cells under one output position."""
    i, j = position[2] * case.stride, position[3] * case.stride
    return slice(i, i + case.KH), slice(j, j + case.KW)


def probe_landing_hint(mine: np.ndarray, expected: np.ndarray) -> Hint | None:
    """The probe's gradient landed in another image or channel, or on cells that are not a maximum."""
    sources = {tuple(int(t) for t in k[:2]) for k in np.argwhere(expected != 0)}
    strays = {tuple(int(t) for t in k[:2]) for k in np.argwhere((mine != 0) & (expected == 0))}
    if strays - sources:
        return Hint("order", "the gradient of one output lands in another image or channel: dout[n, c] pairs with "
                             "x[n, c]; a flat index into the whole batch needs each image's and channel's offset, "
                             "(n * C + c) * H * W + row * W + col, and dout must be flattened or reshaped in the order "
                             "of your windows (columns)")
    if strays:
        return Hint("pool_non_max", "the gradient lands on cells that are not the window's maximum: only the "
                                    "maximum passes the gradient back, every other cell gets 0")
    return None


# ---------------------------------------------------------------- stored examples

CONFIG_FIELDS = ("KH", "KW", "stride")

# Stored forward examples (`python -m gradkit.release.fixtures` writes them from the reference): (x shape, settings);
# chosen to cover padding, strides that do not divide, non-square kernels and images, C != F, overlapping windows.
EXAMPLES = [
    ((2, 2, 4, 4), dict(KH=2, KW=2, stride=2)),
    ((1, 2, 5, 7), dict(KH=3, KW=3, stride=2)),
    ((2, 1, 5, 4), dict(KH=2, KW=3, stride=1)),
    ((1, 1, 6, 6), dict(KH=3, KW=3, stride=3)),
]


def build_from_config(impl: Any, config: dict[str, int]) -> Any:
    return construct(impl.MaxPool2D, (config["KH"], config["KW"]), config["stride"])


def forward_hint(impl: Any, config: dict[str, int], example: dict[str, np.ndarray]) -> Hint | None:
    """Your output on a stored example read, exactly, as the maxima of windows of another size
    (`forward_hints.window_size`), or of the first H_out x W_out windows at stride 1 (stride left out of where each
    window starts)."""
    x, expected = example["x"], example["out"]
    s, KH, KW = config["stride"], config["KH"], config["KW"]
    try:
        out = np.asarray(call(build_from_config(impl, config), "forward", x.copy()), dtype=np.float64)
    except (CheckFailure, ValueError, TypeError):
        return None
    H_out, W_out = expected.shape[2:]
    if out.shape != expected.shape:
        return None
    found = forward_hints.window_size(out, x, expected, s, KH, KW, "max")
    if found is not None:
        return found
    if s == 1:
        return None
    stepped = np.lib.stride_tricks.sliding_window_view(x, (KH, KW), axis=(2, 3)).max(axis=(4, 5))[:, :, :H_out, :W_out]
    if np.array_equal(out, stepped) and not np.array_equal(stepped, expected):
        return Hint("stride", f"your output holds the maxima of windows one step apart (stride 1), the first "
                              f"{H_out} x {W_out} of them: window (i, j) starts at (i * stride, j * stride); with a "
                              "sliding_window_view take every stride-th window, [:, :, ::stride, ::stride]")
    return None


def formula(config: dict[str, int], x_shape: tuple[int, ...]) -> str:
    N, C, H, W = x_shape
    return Case(N=N, C=C, H=H, W=W, KH=config["KH"], KW=config["KW"], stride=config["stride"], seed=0).out_formula


# ---------------------------------------------------------------- pictures and fingerprints

PLOT_CASE = Case(N=2, C=2, H=6, W=6, KH=2, KW=2, stride=2, seed=0)


def another_size(case: Case) -> Case:
    """The same layer's case on another input size: one image more, one row and two columns more."""
    return case._replace(N=case.N + 1, H=case.H + 1, W=case.W + 2)


def enlarged(case: Case) -> Case:
    return case._replace(N=max(case.N, 2), C=max(case.C, 2), H=max(case.H, 6), W=max(case.W, 6))


PROBE_CASES = [Case(N=2, C=2, H=5, W=6, KH=3, KW=2, stride=1, seed=103),
               Case(N=2, C=1, H=6, W=6, KH=2, KW=2, stride=2, seed=104)]


# ---------------------------------------------------------------- ties
#Max-pooling at ties, where finite differences mean nothing.
#
#With integer inputs most windows hold several equal maxima. The gradient of one output must
#enter its own window once: all of it on a maximum (one tied maximum, or split among them), none
#on other cells. Both "first maximum" and "split evenly" pass; "every tied maximum gets it all"
#and "the whole window gets it" do not.

MAX_PROBES = 8


def _tie_window(case: Case, i: int, j: int) -> tuple[slice, slice]:
    s = case.stride
    return slice(i * s, i * s + case.KH), slice(j * s, j * s + case.KW)


NEAR_TIE = 1e-9


def _right_maxima(out: np.ndarray, x: np.ndarray, case: Case) -> bool:
    """Whether out (N, C, H_out, W_out) holds exactly the maximum of each window of x (N, C, H, W)."""
    windows = [x[:, :, rows, cols].max(axis=(2, 3)) for rows, cols in
               (_tie_window(case, i, j) for i in range(case.out_shape[2]) for j in range(case.out_shape[3]))]
    return bool(np.array_equal(out, np.stack(windows, axis=-1).reshape(out.shape)))


@judged_where_possible
@remembers_case
def check_ties(impl: Implementation, case: Case) -> None:
    """Send a gradient from single outputs and check where it lands, on inputs full of ties."""
    rng = np.random.default_rng(case.seed)
    layer = construct(impl.MaxPool2D, (case.KH, case.KW), case.stride)
    x = inputs.with_ties(rng, case.x_shape)
    # Some cells a hair above their level: near-ties, which are not ties (the strict maximum takes it all).
    x += NEAR_TIE * (rng.random(case.x_shape) < 0.25)
    # Right maxima on distinct values too: on ties a forward that reads the wrong windows can still be right by chance,
    # and its backward, true to its own forward, would then be blamed.
    # Ramps too, rising and falling along rows and columns: their maxima sit at a window's last and first cell, so a
    # window placed or sized wrongly shows there, not only by chance.
    ramp = np.arange(float(np.prod(case.x_shape))).reshape(case.x_shape)
    usable = all(_right_maxima(checked_forward(layer, probe, case.out_shape, case.out_formula), probe, case)
                 for probe in (inputs.distinct(rng, case.x_shape), ramp, -ramp))
    out = checked_forward(layer, x, case.out_shape, case.out_formula)
    if not (usable and _right_maxima(out, x, case)):
        unjudged = CheckFailure(f"MaxPool2D.forward gives wrong maxima on this input (see the forward tests), so where "
                                f"backward sends each gradient cannot be judged on it\n  case: {case}", tensor="out")
        unjudged.unusable_forward = True  # the forward tests charge it; the ties are judged where forward is right
        raise unjudged
    positions = np.argwhere(np.ones(out.shape, dtype=bool))
    for probe, (n, c, i, j) in enumerate(positions[rng.permutation(len(positions))[:MAX_PROBES]]):
        dout = np.zeros(out.shape)
        g = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 2.0))
        dout[n, c, i, j] = g
        if probe:  # each probe on a fresh layer: a backward that is not repeatable is the contract test's charge
            layer = construct(impl.MaxPool2D, (case.KH, case.KW), case.stride)
            checked_forward(layer, x, case.out_shape, case.out_formula)
        dx, _ = checked_backward(layer, dout, x)
        rows, cols = _tie_window(case, i, j)
        window_x, window_dx = x[n, c, rows, cols], dx[n, c, rows, cols]
        where = f"out[{n},{c},{i},{j}]"
        outside = dx.copy()
        outside[n, c, rows, cols] = 0
        if np.any(outside != 0):
            k = tuple(int(t) for t in np.argwhere(outside != 0)[0])
            if k[:2] != (n, c):  # another image or channel: the windows are right, the pairing with dout is not
                why, hint = ("; it belongs to the same image and channel: dout[n, c] pairs with x[n, c], so a flat index "
                             "into the whole batch needs each image's and channel's offset, (n * C + c) * H * W + row "
                             "* W + col, and dout must be flattened or reshaped in the order of your windows "
                             "(columns)", "order")
            else:
                why, hint = ("; window (i, j) covers rows i*stride to i*stride + KH - 1 and columns j*stride to "
                             "j*stride + KW - 1: check where your windows start, how large they are, and how a flat "
                             "index is turned into a row and column (row = idx // KW, col = idx % KW within a window; "
                             "a flat index into x has W per row)"), "stride"
            raise CheckFailure(
                f"MaxPool2D.backward sent the gradient of {where} to x[{','.join(map(str, k))}], outside its window "
                f"x[{n},{c},{rows.start}:{rows.stop},{cols.start}:{cols.stop}]{why}\n  case: {case}", tensor="dx",
                hint=hint,
            )
        off_max = (window_dx != 0) & (window_x != window_x.max())
        on_max = (window_dx != 0) & (window_x == window_x.max())
        if off_max.any() and on_max.any() and np.all(window_x.max() - window_x[off_max] <= 2 * NEAR_TIE):
            raise CheckFailure(
                f"MaxPool2D.backward split the gradient of {where} between its maximum and a cell {NEAR_TIE:g} below it "
                f"(a near-tie, not a tie)\n  window x - max: {_fmt(window_x - window_x.max())}\n"
                f"  your dx:  {_fmt(window_dx)}   (dout = {g:+.3g})\n"
                "  hint: compare exactly (x == max, or argmax), never with np.isclose or a tolerance: only cells equal "
                f"to the maximum may share its gradient\n  case: {case}", tensor="dx", hint="pool_non_max")
        if off_max.any():
            near = np.all(window_x.max() - window_x[off_max] <= 2 * NEAR_TIE)
            corner = bool(np.argwhere(window_dx != 0).tolist() == [[0, 0]]) and _always_lands(impl, case, _first)
            mirrored = not corner and _always_lands(impl, case, _mirrored_argmax)
            minimum = (not corner and not mirrored and np.all(window_x[window_dx != 0] == window_x.min())
                       and _always_lands(impl, case, np.argmin))
            why = ("it went to the mirror image of the maximum's place: the argmax of a reversed window (window[::-1], "
                   "np.flip) indexes the reversed order; map it back, index = size - 1 - i, or take the argmax of the "
                   "window itself" if mirrored else
                   "it went to the window's first (top-left) cell, and so it does wherever the maximum is: the position "
                   "is never updated (the comparison that records it never holds, e.g. a value compared with the "
                   "running maximum after that was already raised to it; or it is set once, outside the scan): record "
                   "the position in the same step as every new maximum" if corner else
                   "it went to the window's minimum, and so it does on other windows: np.argsort sorts ascending, so "
                   "its index 0 (like argmin) is the smallest; take np.argmax (or argsort()[-1])" if minimum else
                   "compare exactly, x == max, never with a tolerance: that cell is a hair below the maximum" if near
                   else "the cell that got it is plainly below the maximum: check how you find the maximum's position "
                        "(one argmax of the whole window, turned into a row and column with np.unravel_index; a "
                        "running best that is updated whenever a larger value comes), where you send it (the grid of "
                        "window positions: np.meshgrid needs indexing='ij' for (i, j) order), and where windows "
                        "overlap, whether a mask or index one window wrote is overwritten by the next")
            raise CheckFailure(
                f"MaxPool2D.backward sent the gradient of {where} to a cell that is not a maximum of its window\n"
                f"  window x: {_fmt(window_x)}\n  window x - max: "
                f"{np.array2string(window_x - window_x.max(), formatter={'float_kind': lambda v: f'{v:.3g}'})}\n"
                f"  your dx:  {_fmt(window_dx)}   (dout = {g:+.3g})\n"
                f"  hint: only the maximum passes the gradient back, the other cells get 0; {why}\n"
                f"  case: {case}", tensor="dx", hint="pool_non_max",
            )
        if abs(window_dx.sum() - g) > 1e-9 * abs(g):
            ties = int(np.sum(window_x == window_x.max()))
            times = window_dx.sum() / g
            if np.any(window_dx) and np.array_equal(window_dx, np.round(window_dx)) and g != round(g):
                hint, why = "dtype", (f"your dx holds whole numbers where dout = {g:+.3g} is not whole: a floor "
                                      "division // where / belongs, or a cast to an integer type (astype(int), int(), "
                                      "an integer buffer), rounds the gradient")
            elif times > 1 and ties > 1:
                copies = int(np.sum(np.isclose(window_dx, g, rtol=1e-9, atol=0)))
                some = (f"; here {copies} of the {ties} tied cells got a full copy, so whatever marks a window as "
                        "served (a mask or flag) forgot it between kernel offsets" if 1 < copies < ties
                        and abs(times - copies) < 1e-9 else "")
                hint, why = "pool_all_ties", ("when several cells tie for the maximum, send the gradient to one of them "
                                              f"(or split it evenly), not a full copy to each{some}")
            elif abs(times) < 1e-9 and case.overlapping and _other_window_shares_the_maximum(case, x[n, c], i, j):
                hint, why = "overlap", ("this window overlaps its neighbours, and another window's step wiped out the "
                                        "gradient that had arrived: an assignment into dx (=), or a += through "
                                        "fancy indexing with repeated indices (dx[rows, cols] += g keeps one share "
                                        "per cell); add in a loop over the windows, or use np.add.at")
            elif abs(times) < 1e-9:
                hint, why = None, ("nothing of it arrived in its window, and nothing arrived anywhere else either: it "
                                   "was lost (never written, or written and then overwritten); the gradient test's "
                                   "hint names the cause where it can")
            else:
                hint, why = None, "the gradient of each output must arrive in its window exactly once, at a maximum"
            raise CheckFailure(
                f"MaxPool2D.backward: the gradient of {where} (dout = {g:+.3g}) arrived {times + 0.0:.3g} "
                f"times in its window\n  window x: {_fmt(window_x)} "
                f"({_maxima(window_x, ties)})\n  your dx:  {_fmt(window_dx)}\n"
                f"  hint: {why}\n  case: {case}", tensor="dx", hint=hint,
            )


def _first(window: np.ndarray) -> int:
    return 0


def _mirrored_argmax(window: np.ndarray) -> int:
    """The flat index of the maximum counted from the window's end: the argmax of window.ravel()[::-1] not mapped back."""
    return window.size - 1 - int(np.argmax(window))


def _always_lands(impl: Implementation, case: Case, cell: Any) -> bool:
    """Whether, on distinct values, the gradient of every window that can tell lands whole on the flat cell
    `cell(window)`: the first cell, the mirror of the maximum's place, or the minimum. A window counts where that cell
    is neither the maximum nor another reading's cell (in a 2-cell window the minimum is also the mirror); the case is
    grown to at least 2 images, 2 channels, 4-cell windows and 3x3 outputs, and two such windows are needed."""
    probe = _reading_case(case)
    rng = np.random.default_rng(case.seed + 1)
    x = inputs.distinct(rng, probe.x_shape)
    out = checked_forward(construct(impl.MaxPool2D, (probe.KH, probe.KW), probe.stride), x, probe.out_shape,
                          probe.out_formula)
    seen = 0
    for n, c, i, j in np.argwhere(np.ones(out.shape, dtype=bool))[:36]:
        rows, cols = _tie_window(probe, i, j)
        window = x[n, c, rows, cols]
        target = int(cell(window))
        if target == int(np.argmax(window)) or [0, _mirrored_argmax(window), int(np.argmin(window))].count(target) > 1:
            continue  # this window cannot tell this reading from another
        dout = np.zeros(out.shape)
        dout[n, c, i, j] = 1.0
        fresh = construct(impl.MaxPool2D, (probe.KH, probe.KW), probe.stride)
        checked_forward(fresh, x, probe.out_shape, probe.out_formula)
        dx, _ = checked_backward(fresh, dout, x)
        r, q = np.unravel_index(target, window.shape)
        if dx[n, c, rows.start + r, cols.start + q] != 1.0 or np.count_nonzero(dx) != 1:
            return False
        seen += 1
    return seen >= 2


def _reading_case(case: Case) -> Case:
    """`case` grown to at least 2 images, 2 channels, 3x3 outputs and windows of 4 cells (2x2 where smaller)."""
    grown = case._replace(N=max(case.N, 2), C=max(case.C, 2))
    H_out, W_out = grown.out_shape[2:]
    grown = grown._replace(H=grown.H + grown.stride * max(0, 3 - H_out), W=grown.W + grown.stride * max(0, 3 - W_out))
    return resized(grown, 2, 2, grown.stride) if grown.KH * grown.KW < 4 else grown


def _other_window_shares_the_maximum(case: Case, image: np.ndarray, i: int, j: int) -> bool:
    """Whether another window has a maximum on a cell that is a maximum of window (i, j) (image: (H, W)): only then
    can that window's step, assigning its zero gradient with =, wipe out (i, j)'s (a loop over the windows runs
    later ones after it, a loop over the kernel offsets may run earlier ones after it)."""
    rows, cols = _tie_window(case, i, j)
    mine = np.zeros(image.shape, dtype=bool)
    mine[rows, cols] = image[rows, cols] == image[rows, cols].max()
    _, _, H_out, W_out = case.out_shape
    for k in range(H_out * W_out):
        if k == i * W_out + j:
            continue
        rows, cols = _tie_window(case, *divmod(k, W_out))
        theirs = np.zeros(image.shape, dtype=bool)
        theirs[rows, cols] = image[rows, cols] == image[rows, cols].max()
        if np.any(mine & theirs):
            return True
    return False


def _maxima(window: np.ndarray, ties: int) -> str:
    """How many cells hold the window's maximum, saying so when others print alike (they differ past 3 digits)."""
    if ties > 1:
        return f"{ties} cells tie for the maximum"
    alike = int(np.sum(np.isclose(window, window.max(), rtol=1e-3, atol=1e-3))) - 1
    return f"one maximum; {alike} more cell(s) within 0.001 of it print alike" if alike else "one maximum"


def _fmt(a: np.ndarray) -> str:
    return np.array2string(a, precision=3, separator=", ", suppress_small=True).replace("\n", "")


# ---------------------------------------------------------------- the contract's defaults

def check_pool_defaults(impl: Implementation) -> None:
    """MaxPool2D(k) pools with stride k, MaxPool2D() with a 2x2 window and stride 2, and an int k a square window."""
    for call_text, args, K in [("MaxPool2D(3)", (3,), 3), ("MaxPool2D()", (), 2)]:
        case = Case(N=2, C=2, H=7, W=8, KH=K, KW=K, stride=K, seed=0)
        x = inputs.distinct(np.random.default_rng(13), case.x_shape)
        explicit = construct(impl.MaxPool2D, (K, K), K)
        same_forward(construct(impl.MaxPool2D, *args), explicit, x, case.out_formula,
                      f"{call_text} (the stride defaults to the kernel size)", f"MaxPool2D(({K}, {K}), stride={K})")
