"""Small text pictures for failure messages: heat maps of where a tensor is wrong, arrays side by side."""

from __future__ import annotations

import numpy as np

SHADES = " .:-=+*#%@"
MAX_MAP_ROWS = 6


def digits_apart(mine: float, other: float) -> int:
    """The fewest significant digits (6 at least, 17 at most) that print two different numbers differently."""
    digits = 6
    while f"{float(mine):+.{digits}g}" == f"{float(other):+.{digits}g}" and digits < 17:
        digits += 1
    return digits


def yours_and(mine: float, other: float, label: str = "expected") -> str:
    """ "yours +0.630716, expected +0.630717": each with the fewest digits (6 at least) that show they differ."""
    digits = digits_apart(mine, other)
    return f"yours {float(mine):+.{digits}g}, {label} {float(other):+.{digits}g}"


def fmt_index(index: tuple[int, ...]) -> str:
    return ",".join(str(int(i)) for i in index)


def spatial(err: np.ndarray) -> tuple[np.ndarray, str]:
    """A 2-D map of an error array and a description of its axes."""
    if err.ndim == 4:
        return err.sum(axis=(0, 1)), "summed over the first two axes"
    if err.ndim == 1:
        return err[None, :], ""
    if err.ndim == 2:
        return err, ""
    return err.reshape(-1, err.shape[-1]), "leading axes stacked"


def heat_map(err: np.ndarray) -> list[str]:
    """Rows of shade characters, darkest where the error is largest (at most MAX_MAP_ROWS rows)."""
    top = float(err.max(initial=0))
    rows = []
    for row in err[:MAX_MAP_ROWS]:
        levels = np.zeros(row.shape, dtype=int) if top == 0 else np.ceil(row / top * (len(SHADES) - 1)).astype(int)
        rows.append("     " + " ".join(SHADES[k] for k in levels))
    if len(err) > MAX_MAP_ROWS:
        rows.append(f"     ... ({len(err) - MAX_MAP_ROWS} more rows)")
    return rows


def side_by_side(left: np.ndarray, right: np.ndarray, titles: tuple[str, str]) -> list[str]:
    def rows(a: np.ndarray) -> list[str]:
        return [" ".join(f"{v:+6.2f}" for v in row) for row in np.atleast_2d(a)[:MAX_MAP_ROWS]]

    lr, rr = rows(left), rows(right)
    width = max(len(r) for r in lr + [titles[0]])
    lines = [f"     {titles[0]:<{width}}    {titles[1]}"]
    lines += [f"     {a:<{width}}    {b}" for a, b in zip(lr, rr)]
    return lines
