"""One value type per exercise: the shapes and settings of a check, and the shapes they imply.

A case carries its own output shape (like hypothesis' `BroadcastableShapes`), so no check writes
the output-size formula twice, and `str(case)` is the "smallest failing configuration" a student
reads after hypothesis has shrunk it.
"""

from __future__ import annotations

from typing import NamedTuple


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


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
            f"{_plural(self.N, 'image')} of {self.H}x{self.W} with {_plural(self.C, 'channel')}, "
            f"{_plural(self.F, 'filter')} of {self.KH}x{self.KW}, stride {self.stride}, padding {self.padding}"
        )


class PoolCase(NamedTuple):
    N: int
    C: int
    H: int
    W: int
    KH: int
    KW: int
    stride: int
    seed: int

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
        return self.stride < max(self.KH, self.KW)

    def __str__(self) -> str:
        overlap = " (overlapping windows)" if self.overlapping else ""
        return (
            f"{_plural(self.N, 'image')} of {self.H}x{self.W} with {_plural(self.C, 'channel')}, "
            f"{self.KH}x{self.KW} window, stride {self.stride}{overlap}"
        )


class ReluCase(NamedTuple):
    shape: tuple[int, ...]
    seed: int

    @property
    def x_shape(self) -> tuple[int, ...]:
        return self.shape

    @property
    def out_shape(self) -> tuple[int, ...]:
        return self.shape

    out_formula = "the shape of x"

    def __str__(self) -> str:
        return f"x of shape {self.shape}"


class LinearCase(NamedTuple):
    N: int
    D: int
    M: int
    seed: int

    @property
    def x_shape(self) -> tuple[int, int]:
        return (self.N, self.D)

    @property
    def out_shape(self) -> tuple[int, int]:
        return (self.N, self.M)

    out_formula = "(N, out_features)"

    def __str__(self) -> str:
        return f"{_plural(self.N, 'row')} of {self.D} features -> {self.M} outputs"


class SoftmaxCase(NamedTuple):
    N: int
    K: int
    seed: int

    @property
    def x_shape(self) -> tuple[int, int]:
        return (self.N, self.K)

    def __str__(self) -> str:
        return f"{_plural(self.N, 'row')} of scores over {self.K} classes"


class SGDCase(NamedTuple):
    shapes: tuple[tuple[int, ...], ...]  # one parameter per shape, spread over two layers
    lr: float
    momentum: float
    weight_decay: float
    steps: int
    seed: int

    def __str__(self) -> str:
        return (
            f"{_plural(len(self.shapes), 'parameter')} of shapes {list(self.shapes)}, lr={self.lr}, "
            f"momentum={self.momentum}, weight_decay={self.weight_decay}, {_plural(self.steps, 'step')}"
        )


# The exercise each case type checks (see checker.names.EXERCISES for its file and class).
EXERCISE_OF_CASE: dict[type, str] = {
    ConvCase: "conv", PoolCase: "pool", ReluCase: "relu", LinearCase: "linear", SoftmaxCase: "softmax_ce",
}
