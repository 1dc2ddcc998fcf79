"""Exercise avgpool: AvgPool2D, average pooling without padding over windows that may overlap, or with
`global_pool=True` over the whole image (output (N, C)); everything the kit knows of it beyond the generic layer
checks.

One case type serves both modes: a global case is the window case whose window is the image (KH = H, KW = W,
stride 1), so the probe, the counterfactuals and the stored examples read it the same way; only its output
drops the two spatial axes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np
from hypothesis import strategies as st

from gradkit.checker import forward_hints, inputs
from gradkit.checker.construction import same_forward
from gradkit.checker.guard import call, construct
from gradkit.checker.hints import Hint
from gradkit.checker.impl import Implementation
from gradkit.checker.results import CheckFailure
from gradkit.checker.specs import plural
from gradkit.checker.specs.pool import refine_counterfactual  # noqa: F401 - the same windows: the same refinement
from gradkit.checker.strategies import seeds, small


class AvgPoolCase(NamedTuple):
    N: int
    C: int
    H: int
    W: int
    KH: int
    KW: int
    stride: int
    seed: int
    global_pool: bool = False  # the window is the whole image (KH = H, KW = W) and the output is (N, C)

    exercise = "avgpool"

    @property
    def x_shape(self) -> tuple[int, int, int, int]:
        return (self.N, self.C, self.H, self.W)

    @property
    def out_shape(self) -> tuple[int, ...]:
        if self.global_pool:
            return (self.N, self.C)
        return (self.N, self.C, (self.H - self.KH) // self.stride + 1, (self.W - self.KW) // self.stride + 1)

    @property
    def out_formula(self) -> str:
        if self.global_pool:
            return "(N, C) for global_pool=True: one mean per image and channel (not (N, C, 1, 1))"
        H_out, W_out = self.out_shape[2:]
        return (
            f"(N, C, H_out, W_out) with H_out = (H - KH) // stride + 1 = ({self.H} - {self.KH}) // {self.stride} + 1"
            f" = {H_out}, W_out = ({self.W} - {self.KW}) // {self.stride} + 1 = {W_out}"
        )

    @property
    def overlapping(self) -> bool:
        """Whether two windows share a cell: a stride below the window along an axis with two outputs or more."""
        if self.global_pool:
            return False
        _, _, H_out, W_out = self.out_shape
        return (self.stride < self.KH and H_out > 1) or (self.stride < self.KW and W_out > 1)

    def __str__(self) -> str:
        image = f"{plural(self.N, 'image')} of {self.H}x{self.W} with {plural(self.C, 'channel')}"
        if self.global_pool:
            return f"{image}, global average pool (global_pool=True)"
        overlap = " (overlapping windows)" if self.overlapping else ""
        return f"{image}, {self.KH}x{self.KW} window, stride {self.stride}{overlap}"


Case = AvgPoolCase


@st.composite
def window_cases(draw: st.DrawFn, max_side: int = 8) -> Case:
    """Windows of 1..3 per axis (at least 2 cells), stride 1..3 (overlapping when below the window)."""
    KH, KW = draw(small), draw(small)
    if KH * KW == 1:
        KW = 2
    return Case(
        N=draw(small), C=draw(small),
        H=draw(st.integers(KH, max_side)), W=draw(st.integers(KW, max_side)),
        KH=KH, KW=KW, stride=draw(small), seed=draw(seeds),
    )


@st.composite
def global_cases(draw: st.DrawFn, max_side: int = 8) -> Case:
    """The global pool: images of 1..max_side per side (at least 2 cells)."""
    H, W = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    if H * W == 1:
        W = 2
    return global_case(N=draw(small), C=draw(small), H=H, W=W, seed=draw(seeds))


def global_case(N: int, C: int, H: int, W: int, seed: int) -> Case:
    return Case(N=N, C=C, H=H, W=W, KH=H, KW=W, stride=1, seed=seed, global_pool=True)


@st.composite
def cases(draw: st.DrawFn, max_side: int = 8) -> Case:
    """Both modes: windows (three draws in four; shrinking goes there) and the global pool."""
    if draw(st.integers(0, 3)) == 3:
        return draw(global_cases(max_side))
    return draw(window_cases(max_side))


avgpool_cases = cases

# ---------------------------------------------------------------- building

PARAMS = ()


def build(impl: Any, case: Case, rng: np.random.Generator) -> Any:
    if case.global_pool:
        return construct(impl.AvgPool2D, global_pool=True)
    return construct(impl.AvgPool2D, (case.KH, case.KW), case.stride)


def make_input(case: Case, rng: np.random.Generator) -> np.ndarray:
    return inputs.gaussian(rng, case.x_shape)  # an average has no kinks and no ties


def _window_means(x: np.ndarray, case: Case) -> np.ndarray:
    """The contract's output, each window summed on its own (x / (KH*KW) first, so no sum of huge values overflows)."""
    _, _, H_out, W_out = case.out_shape
    out = np.zeros((case.N, case.C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * case.stride:i * case.stride + case.KH, j * case.stride:j * case.stride + case.KW]
            out[:, :, i, j] = (window / (case.KH * case.KW)).sum(axis=(2, 3))
    return out


def check_forward_extra(impl: Implementation) -> None:
    """Each window's average depends on that window alone: a huge value (1e20) in the first window leaves every
    other window's average exact, and huge values (1e308) in separate windows give finite averages. A prefix sum
    shared by all windows (cumsum, a summed-area table) loses the small values to cancellation, and overflows.
    Charged only to a forward right on ordinary values (else the forward-value tests charge it)."""
    case = Case(N=1, C=1, H=6, W=6, KH=2, KW=2, stride=2, seed=0)
    rng = np.random.default_rng(29)
    ordinary = rng.uniform(1.0, 2.0, case.x_shape)
    try:
        right = np.allclose(np.asarray(call(build(impl, case, rng), "forward", ordinary.copy()), dtype=float),
                            _window_means(ordinary, case), rtol=1e-12, atol=0)
    except (ValueError, TypeError):
        right = False
    if not right:
        return
    for huge, where in ((1e20, [(0, 0)]), (1.5e308, [(0, 0), (2, 2), (4, 4)])):
        x = ordinary.copy()
        for r, c in where:
            x[0, 0, r, c] = huge
        out = np.asarray(call(build(impl, case, rng), "forward", x.copy()), dtype=float)
        want = _window_means(x, case)
        if out.shape != want.shape:
            return  # the contract's shape check speaks for it
        bad = ~np.isclose(out, want, rtol=1e-9, atol=0) | ~np.isfinite(out)
        if not bad.any():
            continue
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise CheckFailure(
            f"AvgPool2D.forward is wrong when huge values ({huge:g}) sit in other windows: out{list(index)} = "
            f"{out[index]:.6g}, expected {want[index]:.6g}\n  hint: each window's average must depend on that "
            f"window alone; a running or prefix sum shared by all windows (cumsum, a summed-area table) subtracts huge "
            f"sums, which loses the small values and can overflow to inf: sum each window on its own\n  case: {case}, "
            f"x[0, 0] in [1, 2] except {huge:g} at {', '.join(map(str, where))}", tensor="out", hint="cancellation")


# ---------------------------------------------------------------- diagnosis

def variants(case: Case) -> Iterator[tuple[str, Case]]:
    """The case with one feature removed, keeping the output size (most specific first)."""
    if case.global_pool:
        if case.H != case.W:
            side = max(case.H, case.W)
            yield "square", case._replace(H=side, W=side, KH=side, KW=side)
        if case.C > 1:
            yield "channels", case._replace(C=1)
        if case.N > 1:
            yield "batch", case._replace(N=1)
        return
    H_out, W_out = case.out_shape[2:]
    if (case.H - case.KH) % case.stride or (case.W - case.KW) % case.stride:
        yield "leftover", case._replace(H=(H_out - 1) * case.stride + case.KH, W=(W_out - 1) * case.stride + case.KW)
    if case.KH != case.KW:
        yield "square", square(case, max(case.KH, case.KW))
    if case.overlapping:
        yield "overlap", resized(case, case.KH, case.KW, max(case.KH, case.KW))
    if case.stride > 1:
        yield "stride", resized(case, case.KH, case.KW, 1)
    if case.C > 1:
        yield "channels", case._replace(C=1)
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


def square(case: Case, side: int) -> Case:
    """The case with a side x side window, the image changed as `resized` does."""
    return resized(case, side, side, case.stride)


def squares(case: Case) -> list[Case]:
    """KH x KH and KW x KW versions of a window case with KH != KW (for a crash that only KH != KW causes)."""
    if case.global_pool or case.KH == case.KW:
        return []
    return [square(case, side) for side in (case.KH, case.KW)]


def window(case: Case, position: tuple[int, ...]) -> tuple[slice, slice]:
    """The input cells under one output position (the whole image for the global pool)."""
    if case.global_pool:
        return slice(0, case.H), slice(0, case.W)
    i, j = position[2] * case.stride, position[3] * case.stride
    return slice(i, i + case.KH), slice(j, j + case.KW)


def probe_landing_hint(mine: np.ndarray, expected: np.ndarray) -> Hint | None:
    """The probe's gradient landed in another image or channel than the output it came from."""
    sources = {tuple(int(t) for t in k[:2]) for k in np.argwhere(expected != 0)}
    strays = {tuple(int(t) for t in k[:2]) for k in np.argwhere((mine != 0) & (expected == 0))}
    if strays - sources:
        return Hint("order", "the gradient of one output lands in another image or channel: dout[n, c] belongs to "
                             "x[n, c] alone; spreading dout with np.tile where np.repeat belongs, reshaping it in "
                             "another order than your windows, or a flat index without each image's and channel's "
                             "offset mixes them")
    return None


def probe_hint(yours: np.ndarray, expected: np.ndarray) -> Hint | None:
    """One output's gradient, on its window: the right total, but not spread evenly over the cells."""
    if expected.size < 2 or not np.any(expected) or np.allclose(yours, expected, rtol=1e-6, atol=0):
        return None
    even = np.allclose(expected, expected.flat[0], rtol=1e-9, atol=0)
    if even and np.isclose(yours.sum(), expected.sum(), rtol=1e-6) and not np.allclose(yours, yours.flat[0]):
        return Hint("sum", "the gradient of one output reaches its window with the right total but unevenly: an "
                           "average weighs every cell of the window alike, so each cell gets dout / (KH*KW)")
    return None


COUNTERFACTUAL_HINTS: dict[tuple[str, str], Hint] = {
    ("batch", "x"): Hint("batch", "correct for one image, wrong for several: each image is pooled on its own, so "
                                  "dx[n] comes from dout[n] alone; a sum or mean over axis 0 mixes the images"),
    ("channels", "x"): Hint("channels", "correct with one channel, wrong with several: each channel is pooled on its "
                                        "own, so dx[:, c] comes from dout[:, c] alone; a sum or mean over axis 1 "
                                        "mixes the channels"),
    ("square", "x"): Hint("square", "correct for a square window (or image), wrong when its height and width differ: "
                                    "somewhere KH is used where KW belongs, or H where W belongs (or the reverse)"),
}


# ---------------------------------------------------------------- stored examples

CONFIG_FIELDS = ("KH", "KW", "stride", "global_pool")

# Stored forward examples (`python -m gradkit.release.fixtures` writes them from the reference): (x shape, settings);
# chosen to cover windows that tile the image, overlap, leave rows over, are not square or are spaced out, and the
# global pool (whose window is the image: KH = H, KW = W).
EXAMPLES = [
    ((2, 2, 4, 4), dict(KH=2, KW=2, stride=2, global_pool=0)),
    ((1, 2, 5, 7), dict(KH=3, KW=3, stride=2, global_pool=0)),
    ((2, 1, 5, 4), dict(KH=2, KW=3, stride=1, global_pool=0)),
    ((1, 1, 7, 8), dict(KH=2, KW=2, stride=3, global_pool=0)),
    ((2, 3, 3, 4), dict(KH=3, KW=4, stride=1, global_pool=1)),
]


def build_from_config(impl: Any, config: dict[str, int]) -> Any:
    if config["global_pool"]:
        return construct(impl.AvgPool2D, global_pool=True)
    return construct(impl.AvgPool2D, (config["KH"], config["KW"]), config["stride"])


def _config_case(config: dict[str, int], x_shape: tuple[int, ...]) -> Case:
    N, C, H, W = x_shape
    if config["global_pool"]:
        return global_case(N=N, C=C, H=H, W=W, seed=0)
    return Case(N=N, C=C, H=H, W=W, KH=config["KH"], KW=config["KW"], stride=config["stride"], seed=0)


def formula(config: dict[str, int], x_shape: tuple[int, ...]) -> str:
    return _config_case(config, x_shape).out_formula


def dx_against_true_hint(impl: Implementation, case: Case, dx: np.ndarray, dout: np.ndarray, x: np.ndarray,
                         expected: np.ndarray) -> Hint | None:
    """Your dx (N, C, H, W) against the true one (`expected`, numerical; dout: (N, C, H_out, W_out)): averaged
    where windows overlap, or spread over blocks that are not the windows (x is not needed here)."""
    if case.global_pool or dx.shape != expected.shape:
        return None
    if case.overlapping:
        count = _spread(np.ones(case.out_shape), case, (case.KH, case.KW), case.stride)
        if np.allclose(dx * np.maximum(count, 1), expected, rtol=1e-6, atol=1e-12):
            return Hint("overlap", "your dx at a cell that several windows cover is the true one divided by their "
                                   "number: the gradients of overlapping windows were averaged; add them up instead "
                                   "(each window sends dout / (KH*KW) to each of its cells)")
    return _block_hint(impl, case, dx, dout, expected)


def _spread(dout: np.ndarray, case: Case, block: tuple[int, int], step: int | tuple[int, int],
            end: bool = False) -> np.ndarray:
    """dout (N, C, H_out, W_out) added onto x's shape, output (i, j) over the block of `block` cells starting at
    (i*step, j*step) (a pair: a step per axis), cut at the image's edge; `end`: the blocks' grid is aligned with the
    bottom right corner instead (its leftover rows at the top and left)."""
    _, _, H_out, W_out = dout.shape
    down, across = step if isinstance(step, tuple) else (step, step)
    out = np.zeros(case.x_shape)
    top = case.H - ((H_out - 1) * down + block[0]) if end else 0
    left = case.W - ((W_out - 1) * across + block[1]) if end else 0
    for i in range(H_out):
        for j in range(W_out):
            r, c = top + i * down, left + j * across
            if r < 0 or c < 0:
                return np.full(case.x_shape, np.nan)  # blocks that do not fit: no such reading
            out[:, :, r:r + block[0], c:c + block[1]] += dout[:, :, i:i + 1, j:j + 1]
    return out


def _block_readings(case: Case, dout: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """(dx, the slip in words) for backwards that spread dout over blocks other than the windows, or another share
    of it over the windows; dout: (N, C, H_out, W_out). Each is right on some cases (a window equal to the stride,
    square, tiling the image, 1x1)."""
    area, s, KH, KW = case.KH * case.KW, case.stride, case.KH, case.KW
    repeat = "np.repeat by the stride"
    found = [  # (what each block gets, the block, the step between blocks, aligned bottom right, the slip)
        (dout / area, (KH, KW), (KH, KW), False,
         "each window's gradient was placed at (i*KH, j*KW), the windows side by side as np.repeat by the window "
         "size lays them: that ignores the stride (right only when it equals the window)"),
        (dout / area, (s, s), s, False,
         f"each dout / (KH*KW) was spread over a stride x stride block ({repeat}) instead of its own KH x KW window: "
         "the two agree only when the window equals the stride"),
        (dout / (s * s), (s, s), s, False,
         f"each dout / (stride*stride) was spread over a stride x stride block ({repeat}) instead of dout / (KH*KW) "
         "over its own KH x KW window: they agree only when the window equals the stride"),
        (dout / area, (KH, KH), s, False,
         "each window's gradient reached a KH x KH block: its columns run over range(KH) where range(KW) belongs (a "
         "window is KH rows by KW columns)"),
        (dout / area, (KW, KW), s, False,
         "each window's gradient reached a KW x KW block: its rows run over range(KW) where range(KH) belongs (a "
         "window is KH rows by KW columns)"),
        (dout, (KH, KW), s, False,
         "each cell of a window got dout itself: dout / (KH*KW) belongs there, the window's mean taking 1 / (KH*KW) "
         "of each cell"),
        (dout / (KH * KH), (KH, KW), s, False,
         "each cell of a window got dout / (KH*KH): the window's area is KH*KW (KH is used where KW belongs)"),
        (dout / (KW * KW), (KH, KW), s, False,
         "each cell of a window got dout / (KW*KW): the window's area is KH*KW (KW is used where KH belongs)"),
        (dout / area, (KH, KW), s, True,
         "the windows' gradients were placed from the bottom right corner (the rows and columns no window reaches, "
         "which belong at the bottom and right, were put at the top and left, e.g. np.pad on the wrong side)"),
    ]
    readings = []
    for source, block, step, end, slip in found:
        with np.errstate(all="ignore"):
            readings.append((_spread(source, case, block, step, end), slip))
    return readings


# A case where every reading of _block_readings differs from the others and from the truth: window 3x4, stride 2,
# rows and columns left over.
BLOCK_CASE = AvgPoolCase(N=1, C=2, H=8, W=9, KH=3, KW=4, stride=2, seed=0)


def _block_hint(impl: Implementation, case: Case, dx: np.ndarray, dout: np.ndarray,
                expected: np.ndarray) -> Hint | None:
    """Your dx is one of _block_readings' on the failing case and on BLOCK_CASE (where no two readings coincide, as
    they may on a small case), and right on neither."""
    def reading_of(case: Case, dx: np.ndarray, dout: np.ndarray, expected: np.ndarray) -> set[str]:
        return {slip for reading, slip in _block_readings(case, dout)
                if np.all(np.isfinite(reading)) and not np.allclose(reading, expected, rtol=1e-6, atol=1e-12)
                and np.allclose(dx, reading, rtol=1e-6, atol=1e-12)}

    if dout.shape != case.out_shape:
        return None
    here = reading_of(case, dx, dout, expected)
    if not here:
        return None
    rng = np.random.default_rng(0)
    x, dout = inputs.gaussian(rng, BLOCK_CASE.x_shape), inputs.gaussian(rng, BLOCK_CASE.out_shape)
    try:
        layer = build(impl, BLOCK_CASE, rng)
        call(layer, "forward", x.copy())
        mine = np.asarray(call(layer, "backward", dout.copy()), dtype=np.float64)
    except (CheckFailure, ValueError, TypeError):
        return None
    if mine.shape != BLOCK_CASE.x_shape:
        return None
    b = BLOCK_CASE
    there = reading_of(b, mine, dout, _spread(dout / (b.KH * b.KW), b, (b.KH, b.KW), b.stride))
    for slip in here & there:
        return Hint("window", f"your dx: {slip}; window (i, j) covers x[..., i*stride:i*stride+KH, j*stride:j*stride+KW] "
                              f"and each of its cells gets dout[..., i, j] / (KH*KW)")
    return None


def scale_hint(case: Case, tensor: str, ratio: float) -> Hint | None:
    """Your dx is `ratio` x the true one: a global pool's dx divided by the default window's area, or not at all."""
    if tensor != "x" or not case.global_pool:
        return None
    area = case.H * case.W
    if abs(ratio * DEFAULT_AREA - area) < 1e-6 * area:
        return Hint("scale", f"your global-pool dx is dout / {DEFAULT_AREA}, the area of the default {DEFAULT_KERNEL}x"
                             f"{DEFAULT_KERNEL} kernel_size; with global_pool=True the window is the whole image (kernel"
                             f"_size is unused): spread dout / (H*W) = dout / {area} over every pixel")
    if abs(ratio - area) < 1e-6 * area:
        return Hint("scale", f"your global-pool dx is dout itself on every pixel: each of the H*W = {area} pixels "
                             f"gets dout / (H*W), since the output is their mean")
    return None


def forward_scale_hint(config: dict[str, int], x_shape: tuple[int, ...], ratio: float) -> Hint | None:
    """Your output is `ratio` x the true one on a stored example: an average divided by the wrong count (the
    window's area KH*KW, or H*W for the global pool)."""
    if not config.get("global_pool"):
        KH, KW = config["KH"], config["KW"]
        for count, what in ((KH * KH, f"KH*KH = {KH * KH}"), (KW * KW, f"KW*KW = {KW * KW}"), (1, "nothing (a sum)")):
            if count != KH * KW and abs(ratio - KH * KW / count) < 1e-6 * ratio:
                return Hint("scale", f"your window average is divided by {what}; a {KH}x{KW} window holds KH*KW = "
                                     f"{KH * KW} cells: divide its sum by KH*KW (in backward too: each cell gets "
                                     f"dout / (KH*KW))")
        return None
    C, H, W = x_shape[1:]
    precedence = "sum / H * W is (sum / H) * W: parenthesise, sum / (H * W)"
    counts = [(H / W, f"H and then multiplied by W ({precedence})" if H != W else
               f"nothing: it is the sum (or it was divided by H and then multiplied by W: {precedence})"),
              (W / H, f"W and then multiplied by H (sum / W * H is (sum / W) * H: parenthesise, sum / (W * H))"),
              (H * H, f"H*H = {H * H}"), (W * W, f"W*W = {W * W}"),
              (C * H * W, f"C*H*W = {C * H * W}, the size of a whole image (x[0].size): each channel has its own mean"),
              (DEFAULT_AREA, f"{DEFAULT_AREA}, the area of the default {DEFAULT_KERNEL}x{DEFAULT_KERNEL} kernel_size"),
              (1, "nothing (a sum)")]
    for count, what in counts:
        if count != H * W and abs(ratio - H * W / count) < 1e-6 * ratio:
            return Hint("scale", f"your global average is divided by {what}; the window is the whole image: divide "
                                 f"the sum over H and W by H*W = {H * W}")
    return None


DEFAULT_KERNEL = 2  # AvgPool2D's default kernel_size, which global_pool=True ignores
DEFAULT_AREA = DEFAULT_KERNEL * DEFAULT_KERNEL


FORWARD_HINTS = {
    "channels": Hint("channels", "right on this example for one channel at a time, wrong with several: values of "
                                 "different channels meet in one average (a mean over axis 1, x[n].mean(), or a "
                                 "reshape that moves values between channels); each channel is averaged on its own, "
                                 "over the window's two axes only"),
    "batch": Hint("batch", "right on this example for one image at a time, wrong with several: values of different "
                           "images meet in one average (a mean over axis 0, x[:, c].mean(), or a reshape that moves "
                           "values between images); each image is averaged on its own, over the window's two axes "
                           "only"),
    "stride": Hint("stride", "right with stride 1, wrong with a larger stride: window (i, j) starts at "
                             "(i*stride, j*stride)"),
}


CHANNELS_LAST = Hint("channels", "your global pool is x.reshape(N, H*W, C).mean(axis=1), a channels-last habit: on an "
                                 "(N, C, H, W) array that reshape puts values of several channels in each column; "
                                 "average over axes (2, 3), or move C last first (x.transpose(0, 2, 3, 1))")


def forward_hint(impl: Any, config: dict[str, int], example: dict[str, np.ndarray]) -> Hint | None:
    """A global pool computed channels-last, windows of another size (`forward_hints.window_size`), or the feature
    whose splitting-away makes a wrong forward right on a stored example.

    Pooling splits exactly: the example's correct output is also *your* forward on one channel at a time, on one
    image at a time, and (for stride s > 1) every s-th output of your forward at stride 1. If your forward gets
    the split problem right and the whole one wrong, the feature split away is where the mistake is.
    """
    x, expected = example["x"], example["out"]
    N, C = x.shape[:2]

    def forward(changed: dict[str, int], part: np.ndarray) -> np.ndarray:
        return np.asarray(call(build_from_config(impl, changed), "forward", part.copy()))

    if config["global_pool"] and C > 1:
        try:
            mine = forward(config, x)
        except (CheckFailure, ValueError, TypeError, IndexError):
            mine = None
        channels_last = x.reshape(N, -1, C).mean(axis=1)  # (N, C, H, W) read as if it were (N, H, W, C)
        if mine is not None and not forward_hints.same(channels_last, expected) and forward_hints.same(mine, channels_last):
            return CHANNELS_LAST
    if not config["global_pool"]:
        try:
            mine = forward(config, x)
        except (CheckFailure, ValueError, TypeError, IndexError):
            mine = None
        found = None if mine is None else forward_hints.window_size(
            np.asarray(mine, dtype=np.float64), x, expected, config["stride"], config["KH"], config["KW"], "mean")
        if found is not None:
            return found
    rebuilt: dict[str, Callable[[], np.ndarray]] = {}
    if C > 1:
        rebuilt["channels"] = lambda: np.concatenate([forward(config, x[:, c:c + 1]) for c in range(C)], axis=1)
    if N > 1:
        rebuilt["batch"] = lambda: np.concatenate([forward(config, x[n:n + 1]) for n in range(N)], axis=0)
    s = config["stride"]
    if s > 1 and not config["global_pool"]:
        H_out, W_out = expected.shape[2:]
        rebuilt["stride"] = lambda: forward({**config, "stride": 1}, x)[:, :, ::s, ::s][:, :, :H_out, :W_out]
    for feature, rebuild in rebuilt.items():
        try:
            if forward_hints.same(rebuild(), expected):
                return FORWARD_HINTS[feature]
        except (CheckFailure, ValueError, TypeError, IndexError):
            continue  # your forward cannot run the simpler problem either: no evidence
    return None


# ---------------------------------------------------------------- pictures and fingerprints

PLOT_CASE = Case(N=2, C=2, H=6, W=6, KH=2, KW=2, stride=2, seed=0)


def another_size(case: Case) -> Case:
    """The same layer's case on another input size: one image more, one row and two columns more (a global pool's
    window follows the image)."""
    bigger = case._replace(N=case.N + 1, H=case.H + 1, W=case.W + 2)
    return bigger._replace(KH=bigger.H, KW=bigger.W) if case.global_pool else bigger


def enlarged(case: Case) -> Case:
    if case.global_pool:
        H, W = max(case.H, 6), max(case.W, 6)
        return case._replace(N=max(case.N, 2), C=max(case.C, 2), H=H, W=W, KH=H, KW=W)
    return case._replace(N=max(case.N, 2), C=max(case.C, 2), H=max(case.H, 6), W=max(case.W, 6))


PROBE_CASES = [Case(N=2, C=2, H=5, W=6, KH=3, KW=2, stride=1, seed=109),
               Case(N=2, C=1, H=7, W=7, KH=2, KW=2, stride=2, seed=110),
               global_case(N=2, C=3, H=3, W=4, seed=111)]


# ---------------------------------------------------------------- the contract's defaults

def check_avgpool_defaults(impl: Implementation) -> None:
    """AvgPool2D(k) pools with stride k, AvgPool2D() with a 2x2 window and stride 2 (not the global pool), and an
    int k a square window."""
    for call_text, args, K in [("AvgPool2D(3)", (3,), 3), ("AvgPool2D()", (), 2)]:
        case = Case(N=2, C=2, H=7, W=8, KH=K, KW=K, stride=K, seed=0)
        x = inputs.gaussian(np.random.default_rng(13), case.x_shape)
        explicit = construct(impl.AvgPool2D, (K, K), K)
        same_forward(construct(impl.AvgPool2D, *args), explicit, x, case.out_formula,
                     f"{call_text} (the stride defaults to the kernel size, global_pool to False)",
                     f"AvgPool2D(({K}, {K}), stride={K})")
