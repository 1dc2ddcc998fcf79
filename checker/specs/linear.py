"""Exercise linear: Linear, a fully connected layer out = x @ W + b (everything the kit knows of it beyond the
generic layer checks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
from hypothesis import strategies as st

from gradkit.checker import inputs
from gradkit.checker.construction import check_weights
from gradkit.checker.impl import Implementation
from gradkit.checker.guard import call, construct
from gradkit.checker.hints import Hint, close
from gradkit.checker.results import CheckFailure
from gradkit.checker.specs import plural
from gradkit.checker.strategies import seeds


class LinearCase(NamedTuple):
    N: int
    D: int
    M: int
    seed: int

    exercise = "linear"

    @property
    def x_shape(self) -> tuple[int, int]:
        return (self.N, self.D)

    @property
    def out_shape(self) -> tuple[int, int]:
        return (self.N, self.M)

    out_formula = "(N, out_features)"

    def __str__(self) -> str:
        return f"{plural(self.N, 'row')} of {self.D} features -> {self.M} outputs"


Case = LinearCase


def cases() -> st.SearchStrategy[Case]:
    """N in 1..4, D in 1..6, M in 1..5."""
    return st.builds(Case, N=st.integers(1, 4), D=st.integers(1, 6), M=st.integers(1, 5), seed=seeds)


linear_cases = cases

# ---------------------------------------------------------------- building

PARAMS = ("W", "b")


def param_shapes(case: Case) -> dict[str, tuple[int, ...]]:
    """The contract's parameter shapes: W (D, M), b (M,)."""
    return {"W": (case.D, case.M), "b": (case.M,)}


def build(impl: Any, case: Case, rng: np.random.Generator) -> Any:
    return construct(impl.Linear, case.D, case.M, rng=rng)


def make_input(case: Case, rng: np.random.Generator) -> np.ndarray:
    return inputs.gaussian(rng, case.x_shape)


# ---------------------------------------------------------------- diagnosis

def variants(case: Case) -> Iterator[tuple[str, Case]]:
    if case.N > 1:
        yield "batch", case._replace(N=1)


COUNTERFACTUAL_HINTS: dict[tuple[str, str], Hint] = {
    ("batch", "W"): Hint("batch", "correct for one row, wrong for several: dW = x.T @ dout sums, over the N "
                                  "rows, the outer product of row x[n] with row dout[n]; the outer "
                                  "product of the sums (x.sum(0) with dout.sum(0)) is equal only for N = 1"),
    ("batch", "b"): Hint("batch", "correct for one row, wrong for several: db = dout.sum(axis=0), a sum "
                                  "over the N rows"),
    ("batch", "x"): Hint("batch", "correct for one row, wrong for several: each row gets its own gradient, "
                                  "dx = dout @ W.T"),
}

TRANSPOSED_W = Hint("layout", "your forward runs only when W is (out_features, in_features), PyTorch's layout: "
                              "here W is (in_features, out_features), so out = x @ W + b (not x @ W.T), "
                              "dx = dout @ W.T and dW = x.T @ dout")


def crash_hint(impl: Implementation, case: Case) -> Hint | None:
    """A forward that raises on `case` (D != M) but runs once W is given PyTorch's (M, D) shape: W taken as
    (out_features, in_features)."""
    if case.D == case.M:
        return None
    rng = np.random.default_rng(case.seed)
    try:
        layer = build(impl, case, rng)
        layer.params["W"] = rng.standard_normal((case.M, case.D))
        out = call(layer, "forward", make_input(case, rng))
    except CheckFailure:
        return None
    return TRANSPOSED_W if np.shape(out) == case.out_shape else None


# ---------------------------------------------------------------- stored examples, pictures, fingerprints

CONFIG_FIELDS = ("D", "M")

# Stored forward examples (`python -m gradkit.release.fixtures` writes them from the reference): (x shape, settings);
# chosen to cover padding, strides that do not divide, non-square kernels and images, C != F, overlapping windows.
EXAMPLES = [((4, 5), dict(D=5, M=3)), ((1, 3), dict(D=3, M=1))]


def dx_param_hint(dx: np.ndarray, dout: np.ndarray, x: np.ndarray, params: dict[str, np.ndarray]) -> Hint | None:
    """Your dx (N, D) is dout (N, M) times W (D, M) reshaped to (M, D), not transposed: the same numbers in memory
    order, which equals W.T only when D == 1 or M == 1."""
    W = params.get("W")
    if W is None or W.ndim != 2 or dx.shape != x.shape or dout.shape[-1] != W.shape[1]:
        return None
    reshaped = dout @ W.reshape(W.shape[1], W.shape[0])
    if not close(dx, reshaped) or close(reshaped, dout @ W.T):
        return None
    if W.shape[0] == W.shape[1]:  # a square W reshaped is W itself: either reading fits
        return Hint("transpose", "your dx is dout @ W, not dout @ W.T (W as it is, or W.reshape(M, D), which for a "
                                 "square W is the same array; a reshape does not transpose): dx = dout @ W.T")
    return Hint("transpose", "your dx is dout @ W.reshape(M, D): a reshape keeps the entries in memory order and "
                             "does not transpose; dx = dout @ W.T")


def param_grad_hint(tensor: str, grad: np.ndarray, dout: np.ndarray, x: np.ndarray) -> Hint | None:
    """dW or db (x: (N, D), dout: (N, M)) that holds one row's contribution only (a loop over the rows that assigns
    (=) where it must add (+=)), or a dW (D, M) of x reshaped to (D, N) where x.T belongs."""
    if len(x) < 2:
        return None
    N, D = x.shape
    reshaped = x.reshape(D, N) @ dout
    if tensor == "W" and grad.shape == reshaped.shape and close(grad, reshaped) and not close(reshaped, x.T @ dout):
        square = " (for N = D, x itself)" if N == D else ""
        return Hint("transpose", f"your dW is x.reshape(D, N) @ dout{square}: a reshape keeps the entries in memory "
                                 "order and does not transpose; dW = x.T @ dout")
    whole = "dW = x.T @ dout" if tensor == "W" else "db = dout.sum(axis=0)"
    for n, how in ((len(x) - 1, "the last row's contribution alone: a loop over the rows that assigns (=) each "
                                "row's term where it must add (+=) them"),
                   (0, "the first row's contribution alone (row 0, as for a batch of one)")):
        one = np.outer(x[n], dout[n]) if tensor == "W" else dout[n]
        if grad.shape == one.shape and close(grad, one):
            return Hint("batch", f"your d{tensor} is {how}; d{tensor} sums over all N rows: {whole}")
    return None


def build_from_config(impl: Any, config: dict[str, int]) -> Any:
    return construct(impl.Linear, config["D"], config["M"], rng=np.random.default_rng(0))


def forward_hint(impl: Any, config: dict[str, int], example: dict[str, np.ndarray]) -> Hint | None:
    """Your output on a stored example read, exactly, as the right one for x's entries taken in another order: rows
    built from a flatten that does not keep one row per example."""
    x, W, b = example["x"], example["W"], example["b"]
    layer = build_from_config(impl, config)
    try:
        for key in ("W", "b"):
            layer.params[key][...] = example[key]
        out = np.asarray(call(layer, "forward", x.copy()), dtype=np.float64)
    except (CheckFailure, ValueError, TypeError, KeyError, AttributeError):
        return None
    N, D = x.shape[0], int(np.prod(x.shape[1:]))
    if N < 2 or out.shape != (N, W.shape[1]):
        return None
    M = W.shape[1]
    added = out - x.reshape(N, D) @ W
    if M > 1 and np.any(b) and np.allclose(added, np.repeat(b, N).reshape(N, M), rtol=1e-9, atol=1e-12):
        return Hint("bias", "your output adds the bias laid out by np.repeat(b, N).reshape(N, M), each value repeated "
                            "along a row, where every row needs all of b: np.tile(b, (N, 1)), or plain broadcasting, "
                            "x @ W + b")
    orders = {"x.reshape(D, -1).T (features first)": x.reshape(D, N).T,
              "x.T.reshape(N, -1) (transposed first)": x.T.reshape(N, D),
              "x.reshape(N, -1, order='F') (column order)": x.reshape(N, D, order="F"),
              "x.reshape(-1, N).T": x.reshape(-1, N).T}
    for how, rows in orders.items():
        if np.array_equal(rows, x.reshape(N, D)):
            continue
        if np.allclose(out, rows @ W + b, rtol=1e-9, atol=1e-12):
            return Hint("layout", f"your output is the right one for rows taken as {how}: that mixes the examples' "
                                  "entries; a batch flattens with x.reshape(N, -1), one row per example (N = "
                                  "x.shape[0]), and dx goes back with dx.reshape(x.shape)")
    return None


def formula(config: dict[str, int], x_shape: tuple[int, ...]) -> str:
    return Case.out_formula


PLOT_CASE = Case(N=4, D=6, M=5, seed=0)


def another_size(case: Case) -> Case:
    """The same layer's case on another batch size (a network's last batch)."""
    return case._replace(N=case.N + 1)


def enlarged(case: Case) -> Case:
    return case._replace(N=max(case.N, 4), D=max(case.D, 6), M=max(case.M, 5))


PROBE_CASES = [Case(N=3, D=4, M=5, seed=107), Case(N=2, D=3, M=3, seed=108)]


# ---------------------------------------------------------------- the provided constructor

# Big enough that the sample std of W estimates the He std to about 2% (one standard error: 1/sqrt(2n)).
LINEAR_ARGS = dict(D=60, M=30)  # W has 1800 entries, fan_in = 60


def _linear(impl: Implementation, seed: int | None) -> Any:
    """Linear(D, M) drawing from a generator seeded with `seed`; None: rng=None, the constructor's own choice."""
    rng = None if seed is None else np.random.default_rng(seed)
    return construct(impl.Linear, LINEAR_ARGS["D"], LINEAR_ARGS["M"], rng=rng)


def check_linear_constructor(impl: Implementation) -> None:
    """Weights from rng with the He scale, zero bias, float64."""
    D, M = LINEAR_ARGS["D"], LINEAR_ARGS["M"]
    check_weights("Linear", lambda seed: _linear(impl, seed), {"W": (D, M), "b": (M,)}, D,
                   f"Linear({D}, {M}, rng=np.random.default_rng(7))", inputs.gaussian(np.random.default_rng(10), (2, D)),
                   draw=lambda rng: rng.normal(0.0, np.sqrt(2.0 / D), size=(D, M)))
