"""Exercise conv: Conv2D, a 2-D cross-correlation with stride and zero padding (everything the kit knows of it
beyond the generic layer checks)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np
from hypothesis import strategies as st

from gradkit.checker import forward_hints, inputs
from gradkit.checker.construction import check_weights, same_forward
from gradkit.checker.impl import Implementation
from gradkit.checker.guard import call, construct
from gradkit.checker.hints import Hint, probe_rotated
from gradkit.checker.results import CheckFailure
from gradkit.checker.specs import plural
from gradkit.checker.strategies import seeds, small


class ConvCase(NamedTuple):
    N: int
    C: int
    F: int
    H: int
    W: int
    KH: int
    KW: int
    stride: int
    padding: int
    seed: int

    exercise = "conv"

    @property
    def x_shape(self) -> tuple[int, int, int, int]:
        return (self.N, self.C, self.H, self.W)

    @property
    def H_out(self) -> int:
        return (self.H + 2 * self.padding - self.KH) // self.stride + 1

    @property
    def W_out(self) -> int:
        return (self.W + 2 * self.padding - self.KW) // self.stride + 1

    @property
    def out_shape(self) -> tuple[int, int, int, int]:
        return (self.N, self.F, self.H_out, self.W_out)

    @property
    def out_formula(self) -> str:
        return (
            f"(N, F, H_out, W_out) with H_out = (H + 2*padding - KH) // stride + 1 = "
            f"({self.H} + {2 * self.padding} - {self.KH}) // {self.stride} + 1 = {self.H_out}, "
            f"W_out = ({self.W} + {2 * self.padding} - {self.KW}) // {self.stride} + 1 = {self.W_out}"
        )

    def __str__(self) -> str:
        return (
            f"{plural(self.N, 'image')} of {self.H}x{self.W} with {plural(self.C, 'channel')}, "
            f"{plural(self.F, 'filter')} of {self.KH}x{self.KW}, stride {self.stride}, padding {self.padding}"
        )


Case = ConvCase


@st.composite
def cases(draw: st.DrawFn, max_side: int = 7) -> Case:
    """N, C, F in 1..3; kernel 1..3 per axis; stride 1..3; padding 0..2; H, W up to `max_side`.

    Only valid cases are built: H + 2*padding >= KH and likewise for W. Shrinks towards one
    1x1 image, one channel, one 1x1 filter, stride 1, no padding.
    """
    KH, KW = draw(small), draw(small)
    padding = draw(st.integers(0, 2))
    H = draw(st.integers(max(1, KH - 2 * padding), max_side))
    W = draw(st.integers(max(1, KW - 2 * padding), max_side))
    return Case(
        N=draw(small), C=draw(small), F=draw(small), H=H, W=W, KH=KH, KW=KW,
        stride=draw(small), padding=padding, seed=draw(seeds),
    )


conv_cases = cases

# ---------------------------------------------------------------- building

PARAMS = ("W", "b")


def param_shapes(case: Case) -> dict[str, tuple[int, ...]]:
    """The contract's parameter shapes: W (F, C, KH, KW), b (F,)."""
    return {"W": (case.F, case.C, case.KH, case.KW), "b": (case.F,)}


def build(impl: Any, case: Case, rng: np.random.Generator) -> Any:
    return construct(impl.Conv2D, case.C, case.F, (case.KH, case.KW), case.stride, case.padding, rng=rng)


def make_input(case: Case, rng: np.random.Generator) -> np.ndarray:
    return inputs.gaussian(rng, case.x_shape)


# ---------------------------------------------------------------- diagnosis

def variants(case: Case) -> Iterator[tuple[str, Case]]:
    """The case with one feature removed, keeping the number of output positions where possible.

    Order matters: the first variant that passes names the hint, most specific first.
    """
    if case.KH != case.KW:
        # The larger square: it keeps every overlap and every kernel offset, so only KH != KW goes away.
        yield "square", square(case, max(case.KH, case.KW))
    H_out, W_out = case.H_out, case.W_out
    if case.C > 1 or case.F > 1:
        yield "channels", case._replace(C=1, F=1)
    if case.stride < max(case.KH, case.KW) and (H_out > 1 or W_out > 1):
        s = max(case.KH, case.KW)  # windows side by side, same number of output positions
        yield "overlap", case._replace(stride=s, H=max((H_out - 1) * s + case.KH - 2 * case.padding, 1),
                                       W=max((W_out - 1) * s + case.KW - 2 * case.padding, 1))
    if case.KH * case.KW > 1:
        yield "kernel", case._replace(KH=1, KW=1, H=(H_out - 1) * case.stride + 1 - 2 * case.padding or 1,
                                      W=(W_out - 1) * case.stride + 1 - 2 * case.padding or 1)
    if case.stride > 1:
        yield "stride", case._replace(stride=1, H=max(H_out - 1 + case.KH - 2 * case.padding, 1),
                                      W=max(W_out - 1 + case.KW - 2 * case.padding, 1))
    if case.padding > 0:
        yield "padding", case._replace(padding=0, H=case.H + 2 * case.padding, W=case.W + 2 * case.padding)
    if case.N > 1:
        yield "batch", case._replace(N=1)
    if H_out * W_out > 1:
        yield "positions", case._replace(H=case.KH, W=case.KW, padding=0)


NF_MIXED = Hint("batch", "correct for one image and for one filter, wrong with several of both: the image and filter "
                         "axes of dout (N, F, Ho, Wo) are mixed; dout.reshape(F, -1) needs "
                         "dout.transpose(1, 0, 2, 3) first (to (F, N, Ho, Wo)), and a result reshaped to "
                         "(N, F, ...) needs the same care")


def refine_counterfactual(case: Case, feature: str, tensor: str, passes: Any) -> Hint | None:
    """A sharper hint than the feature's own, given `passes(other_case)`: one channel and one filter pass, and so
    does one image, so the mistake needs several images and several filters (dout's N and F axes mixed); or, for dx,
    one filter alone passes (the filters' contributions are not added up)."""
    if feature == "channels" and case.N > 1 and case.F > 1 and passes(case._replace(N=1)):
        return NF_MIXED
    if feature == "channels" and tensor == "x" and case.F > 1 and passes(case._replace(F=1)):
        return Hint("channels", "your dx is right with one filter and wrong with several: look where the filters "
                                "meet in dx. It adds up the contributions of all F filters (dx[n, c] += dout[n, f] "
                                "spread by W[f, c], for every f): a dx buffer zeroed inside the loop over filters, or "
                                "assigned (=) once per filter, keeps only the last one; and W's axes are (F, C, KH, "
                                "KW): W.reshape(C*KH*KW, F) without a transpose mixes F with the others (W.reshape(F, "
                                "-1).T keeps them apart)")
    return None


def combined_counterfactual(case: Case, passing: list[str], tensor: str, passes: Any) -> Hint | None:
    """Right with one channel, and right with a 1x1 kernel, wrong with both (and right with one channel but all the
    filters): the (c, p, q) entries of a window or of W are flattened or unflattened in another order. Right with
    stride 1, and right with one output position, wrong with both: the windows are placed without the stride."""
    if set(passing) == {"stride", "positions"}:  # one position's window starts at 0 whatever the stride
        return Hint("stride", f"your d{tensor} is right with stride 1, and right with one output position, wrong with "
                              "both: where the stride places the windows. Window (i, j) covers the padded x from "
                              "(i * stride, j * stride), KH x KW cells, in backward as in forward; one read (for dW) "
                              "or written (for dx) at (i, j), or a scatter that steps by 1, ignores the stride")
    if set(passing) != {"channels", "kernel"} or (case.F > 1 and not passes(case._replace(C=1))):
        return None
    if tensor == "W":
        return Hint("order", "your dW is right with one channel, and right with a 1x1 kernel, wrong with both: its "
                             "entries come back in another order than W's (F, C, KH, KW). A gradient computed against "
                             "im2col rows in (p, q, c) order must be reshaped to (F, KH, KW, C) and transposed "
                             "(0, 3, 1, 2); against rows in (c, p, q) order (as W.reshape(F, -1) has them), reshaped "
                             "straight to (F, C, KH, KW)")
    return ORDER_HINT._replace(text=f"your d{tensor} is " + ORDER_HINT.text)


def square(case: Case, side: int) -> Case:
    """The case with a side x side kernel, the image changed to keep the output size."""
    return case._replace(KH=side, KW=side, H=max((case.H_out - 1) * case.stride + side - 2 * case.padding, 1),
                         W=max((case.W_out - 1) * case.stride + side - 2 * case.padding, 1))


def squares(case: Case) -> list[Case]:
    """KH x KH and KW x KW versions of a case with KH != KW (for a crash that only KH != KW causes)."""
    return [square(case, side) for side in (case.KH, case.KW)] if case.KH != case.KW else []


def valid(case: Case) -> bool:
    return case.H >= 1 and case.W >= 1 and case.H_out >= 1 and case.W_out >= 1


def window(case: Case, position: tuple[int, ...]) -> tuple[slice, slice]:
    """The input cells under one output position (clipped to the unpadded image)."""
    i, j = position[2] * case.stride - case.padding, position[3] * case.stride - case.padding
    return slice(max(i, 0), min(i + case.KH, case.H)), slice(max(j, 0), min(j + case.KW, case.W))


def probe_hint(yours: np.ndarray, expected: np.ndarray) -> Hint | None:
    """What the probe window says first: a kernel rotated by 180 degrees (np.rot90 without axes= is a usual way)."""
    found = probe_rotated(yours, expected)
    if found is None:
        return None
    return found._replace(text=found.text + "; note that np.rot90(W, 2) rotates W's first two axes (F and C) unless "
                                            "given axes=(2, 3)")


COUNTERFACTUAL_HINTS: dict[tuple[str, str], Hint] = {
    ("batch", "b"): Hint("batch", "correct for one image, wrong for several: db[f] sums dout[:, f] over the "
                                  "batch and the output pixels, db = dout.sum(axis=(0, 2, 3)); a "
                                  "dout.reshape(F, -1) of the (N, F, Ho, Wo) array mixes N with F"),
    ("channels", "b"): Hint("channels", "correct with one channel and one filter, wrong with more: db[f] sums "
                                        "dout[:, f] over the images and the output pixels, once (not once per input "
                                        "channel), keeping the filter axis: db = dout.sum(axis=(0, 2, 3)); a "
                                        "dout.reshape(F, -1) of the (N, F, Ho, Wo) array mixes N with F"),
}


def scale_hint(case: Case, tensor: str, ratio: float) -> Hint | None:
    """Your db is C times the true one: added once per input channel (inside the loop over channels)."""
    if tensor == "b" and case.C > 1 and abs(ratio - case.C) < 1e-6 * case.C:
        return Hint("channels", f"your db is C = {case.C} times the true one: it is added once per input channel "
                                "(db += ... inside the loop over channels); db[f] sums dout[:, f] over the images and "
                                "output pixels once: db = dout.sum(axis=(0, 2, 3))")
    return None

# ---------------------------------------------------------------- stored examples

CONFIG_FIELDS = ("C", "F", "KH", "KW", "stride", "padding")

# Stored forward examples (`python -m gradkit.release.fixtures` writes them from the reference): (x shape, settings);
# chosen to cover padding, strides that do not divide, non-square kernels and images, C != F, overlapping windows.
EXAMPLES = [
    ((2, 3, 5, 4), dict(C=3, F=2, KH=3, KW=3, stride=1, padding=1)),
    ((1, 2, 7, 6), dict(C=2, F=3, KH=3, KW=2, stride=2, padding=1)),
    ((2, 1, 4, 4), dict(C=1, F=1, KH=1, KW=1, stride=1, padding=0)),
    ((1, 2, 5, 5), dict(C=2, F=2, KH=2, KW=3, stride=3, padding=2)),
]


def build_from_config(impl: Any, config: dict[str, int]) -> Any:
    return construct(impl.Conv2D, config["C"], config["F"], (config["KH"], config["KW"]), config["stride"],
                     config["padding"], rng=np.random.default_rng(0))


def formula(config: dict[str, int], x_shape: tuple[int, ...]) -> str:
    N, C, H, W = x_shape
    return Case(N=N, C=C, F=config["F"], H=H, W=W, KH=config["KH"], KW=config["KW"], stride=config["stride"],
                padding=config["padding"], seed=0).out_formula


# ---------------------------------------------------------------- pictures and fingerprints

PLOT_CASE = Case(N=2, C=2, F=2, H=6, W=6, KH=3, KW=3, stride=1, padding=1, seed=0)


def another_size(case: Case) -> Case:
    """The same layer's case on another input size: one image more, one row and two columns more."""
    return case._replace(N=case.N + 1, H=case.H + 1, W=case.W + 2)


def enlarged(case: Case) -> Case:
    """The same settings (stride, padding, kernel) on a larger input, so patterns are visible in a picture."""
    return case._replace(N=max(case.N, 2), C=max(case.C, 2), F=max(case.F, 2), H=max(case.H, 6), W=max(case.W, 6))


PROBE_CASES = [Case(N=2, C=2, F=3, H=5, W=4, KH=3, KW=2, stride=2, padding=1, seed=101),
               Case(N=2, C=2, F=2, H=4, W=5, KH=2, KW=3, stride=1, padding=0, seed=102)]


def forward_hint(impl: Any, config: dict[str, int], example: dict[str, np.ndarray]) -> Hint | None:
    """The feature whose splitting-away makes a wrong forward right on a stored example.

    A convolution splits exactly into smaller ones, so the example's correct output is also the sum or stack of
    *your* forward on simpler problems: one input channel at a time, one filter at a time, one image at a time,
    one 1x1 kernel offset at a time, the input padded beforehand (padding 0), stride 1 then every stride-th
    output, a square kernel with zero weights in the extra column. If your forward gets the split problem right
    and the whole one wrong, the feature that was split away is where the mistake is.
    """
    return (_kernel_read_otherwise(impl, config, example)
            or conv_counterfactual(lambda changed: build_from_config(impl, changed), config, example))


# Ways to read a kernel other than the contract's, W (F, C, KH, KW) -> the weights your forward in effect used.
KERNEL_READINGS = [
    (lambda W: W[:, :, ::-1, ::-1], Hint("flip", "your output is exactly the cross-correlation with every kernel "
                                                 "rotated by 180 degrees (a true convolution): this Conv2D does not "
                                                 "flip its kernel; weight W[f, c, p, q] meets pixel (i*stride + p, "
                                                 "j*stride + q)")),
    (lambda W: W[:, :, ::-1, :], Hint("flip", "your output is exactly the cross-correlation with every kernel upside "
                                              "down (its rows reversed): weight W[f, c, p, q] meets pixel "
                                              "(i*stride + p, j*stride + q)")),
    (lambda W: W[:, :, :, ::-1], Hint("flip", "your output is exactly the cross-correlation with every kernel mirrored "
                                              "left to right (its columns reversed): weight W[f, c, p, q] meets pixel "
                                              "(i*stride + p, j*stride + q)")),
    (lambda W: W.transpose(0, 1, 3, 2).reshape(W.shape),
     Hint("transpose", "your output is exactly the cross-correlation with every kernel read column by column: its "
                       "(p, q) axes are swapped before flattening (W.transpose(0, 1, 3, 2)), while your windows are "
                       "flattened row by row; flatten weights and windows in the same (c, p, q) order")),
]


def _correlated(x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int, padding: int,
                mode: str = "constant") -> np.ndarray:
    """The contract's forward (a cross-correlation) in float64: x (N, C, H, W), W (F, C, KH, KW), b (F,); `mode`
    the np.pad mode of the padding (the contract's: "constant", zeros)."""
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (padding, padding), (padding, padding)), mode=mode)
    KH, KW = W.shape[2:]
    Ho, Wo = (xp.shape[2] - KH) // stride + 1, (xp.shape[3] - KW) // stride + 1
    out = np.zeros((x.shape[0], W.shape[0], Ho, Wo)) + b.reshape(1, -1, 1, 1)
    for p, q in np.ndindex(KH, KW):  # one kernel offset at a time: every window's entry (p, q)
        window = xp[:, :, p:p + stride * (Ho - 1) + 1:stride, q:q + stride * (Wo - 1) + 1:stride]
        out += np.einsum("nchw,fc->nfhw", window, W[:, :, p, q])
    return out


def _kernel_read_otherwise(impl: Any, config: dict[str, int], example: dict[str, np.ndarray]) -> Hint | None:
    """Your output on a stored example is exactly the contract's with the kernel read in another order, or the
    border padded with something else than zeros."""
    W, b, x = example["W"], example["b"], example["x"]
    try:
        out = _forward_on(lambda changed: build_from_config(impl, changed), config, W, b, x)
    except (CheckFailure, ValueError, TypeError, IndexError):
        return None
    for read, hint in KERNEL_READINGS if W.shape[2] * W.shape[3] > 1 else []:
        other = read(W)
        if not np.array_equal(other, W) and forward_hints.same(
                out, _correlated(x, other, b, config["stride"], config["padding"])):
            return hint
    for mode in ("edge", "reflect", "symmetric", "wrap") if config["padding"] else ():
        try:
            padded = _correlated(x, W, b, config["stride"], config["padding"], mode)
        except ValueError:  # reflect needs a side longer than the padding
            continue
        if forward_hints.same(out, padded):
            return Hint("border", f"your output is exactly the contract's with the border padded in np.pad's "
                                  f"mode={mode!r}: the padding is zeros (np.pad's default mode, 'constant')")
    return None


# ---------------------------------------------------------------- forward counterfactuals

def _forward_on(make: Callable[[dict[str, int]], Any], config: dict[str, int], W: np.ndarray, b: np.ndarray,
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
            _forward_on(make, {**config, "C": 1}, W[:, c:c + 1], zero_b, x[:, c:c + 1]) for c in range(C))
    if F > 1:
        found["filters"] = lambda: np.concatenate(
            [_forward_on(make, {**config, "F": 1}, W[f:f + 1], b[f:f + 1], x) for f in range(F)], axis=1)
    if N > 1:
        found["batch"] = lambda: np.concatenate([_forward_on(make, config, W, b, x[n:n + 1]) for n in range(N)], axis=0)
    if KH * KW > 1:
        def offsets() -> np.ndarray:
            one = {**config, "KH": 1, "KW": 1, "padding": 0}
            crops = [(q, r) for q in range(KH) for r in range(KW)]
            return b.reshape(1, -1, 1, 1) + sum(
                _forward_on(make, one, W[:, :, q:q + 1, r:r + 1], zero_b,
                      xp[:, :, q:q + s * (Ho - 1) + 1, r:r + s * (Wo - 1) + 1]) for q, r in crops)
        found["kernel"] = offsets
    if p > 0:
        found["padding"] = lambda: _forward_on(make, {**config, "padding": 0}, W, b, xp)
    if s > 1:
        found["stride"] = lambda: _forward_on(make, {**config, "stride": 1}, W, b, x)[:, :, ::s, ::s][:, :, :Ho, :Wo]
    if KH != KW:
        K = max(KH, KW)
        square = np.zeros((F, C, K, K))
        square[:, :, :KH, :KW] = W
        # Extra zero rows/columns at the far end keep the output size; they meet only zero weights.
        wider = np.pad(x, ((0, 0), (0, 0), (0, K - KH), (0, K - KW)))
        found["square"] = lambda: _forward_on(make, {**config, "KH": K, "KW": K}, square, b, wider)[:, :, :Ho, :Wo]
    return found


CONV_HINTS = {
    "square": Hint("square", "right for a square kernel, wrong for KH != KW: somewhere KH is used where KW belongs (or "
                             "the reverse), e.g. a loop over the kernel columns running over range(KH)"),
    "padding": Hint("border", "right without padding, wrong with it: x padded with `padding` zeros on every side of "
                              "H and W, and everything after that taken from the padded array, not from x (window "
                              "positions, the output size, the shape and strides of an as_strided view)"),
    "stride": Hint("stride", "right with stride 1, wrong with a larger stride: window (i, j) starts at "
                             "(i*stride, j*stride) of the (padded) input"),
    "filters": Hint("channels", "right on this example when each filter's output is computed on its own, wrong "
                                "when they are computed together: the F axis of your output is mixed with another "
                                "axis (a (N*Ho*Wo, F) product must be reshaped to (N, Ho, Wo, F) and transposed to "
                                "(N, F, Ho, Wo), not reshaped straight to (N, F, Ho, Wo))"),
    "batch": Hint("batch", "right for one image at a time, wrong with several: each image's output must come from that "
                           "image only (x[n], not x[0] or a window of another image), with the N axis kept apart "
                           "from the others in every reshape"),
    "channels": Hint("channels", "right with one input channel, wrong with several: out[n, f] sums W[f, c] times the "
                                 "window of channel c over every c; if you flatten windows into rows (im2col), "
                                 "flatten them in the same order as W.reshape(F, -1), which is (c, p, q)"),
    "kernel": Hint("flip", "right for a 1x1 kernel, wrong for larger ones: kernel offset (p, q) must meet input pixel "
                           "(i*stride + p, j*stride + q), with the kernel not flipped (a cross-correlation)"),
}
IMAGES_AND_FILTERS_HINT = Hint("channels", "right on this example for one image at a time, and for one filter at a "
                                           "time, wrong only with several of both: your output's N and F axes are "
                                           "mixed. A product laid out (F, N*Ho*Wo) must be reshaped to (F, N, Ho, Wo) "
                                           "and transposed (1, 0, 2, 3); one laid out (N*Ho*Wo, F) reshaped to (N, Ho, "
                                           "Wo, F) and transposed (0, 3, 1, 2); neither reshaped straight to (N, F, "
                                           "Ho, Wo); backward must read dout in the same layout")
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
            if forward_hints.same(rebuilt(), example["out"]):
                passing.append(feature)
        except (CheckFailure, ValueError, TypeError, IndexError):
            continue  # your forward cannot run the simpler problem either: no evidence
    if {"channels", "kernel"} <= set(passing) and len(passing) == 2:
        return ORDER_HINT
    if {"filters", "batch"} <= set(passing):
        return IMAGES_AND_FILTERS_HINT
    for feature in CONV_HINTS:  # most specific first
        if feature in passing:
            return CONV_HINTS[feature]
    return None


# ---------------------------------------------------------------- the provided constructor

# Big enough that the sample std of W estimates the He std to about 2% (one standard error: 1/sqrt(2n)).
CONV_ARGS = dict(C=8, F=16, K=3)  # W has 16*8*3*3 = 1152 entries, fan_in = 72


def _conv(impl: Implementation, seed: int | None, **kwargs: Any) -> Any:
    """Conv2D(C, F, K) drawing from a generator seeded with `seed`; None: rng=None, the constructor's own choice."""
    a = CONV_ARGS
    rng = None if seed is None else np.random.default_rng(seed)
    return construct(impl.Conv2D, a["C"], a["F"], a["K"], rng=rng, **kwargs)


def check_conv_constructor(impl: Implementation) -> None:
    """Weights from rng with the He scale, zero bias, float64; stride 1 and padding 0 by default; an int kernel
    size means a square kernel."""
    a = CONV_ARGS
    shapes = {"W": (a["F"], a["C"], a["K"], a["K"]), "b": (a["F"],)}
    call_text = f"Conv2D({a['C']}, {a['F']}, {a['K']}, rng=np.random.default_rng(7))"
    x = inputs.gaussian(np.random.default_rng(10), (1, a["C"], a["K"] + 1, a["K"] + 2))
    fan_in = a["C"] * a["K"] ** 2
    check_weights("Conv2D", lambda seed: _conv(impl, seed), shapes, fan_in, call_text, x,
                  draw=lambda rng: rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shapes["W"]))
    case = Case(N=2, C=2, F=3, H=6, W=5, KH=3, KW=3, stride=1, padding=0, seed=0)
    x = inputs.gaussian(np.random.default_rng(11), case.x_shape)
    explicit = construct(impl.Conv2D, 2, 3, (3, 3), 1, 0, rng=np.random.default_rng(1))
    for key, value in explicit.params.items():
        value[...] = inputs.gaussian(np.random.default_rng(12), value.shape)
    defaulted = construct(impl.Conv2D, 2, 3, 3, rng=np.random.default_rng(1))
    same_forward(defaulted, explicit, x, case.out_formula,
                  "Conv2D(2, 3, 3) (defaults: stride=1, padding=0)", "Conv2D(2, 3, (3, 3), stride=1, padding=0)")
