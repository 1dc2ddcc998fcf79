"""The `--plot` picture: for each checked tensor, yours, the numerical gradient, and their difference.

A 4-D tensor is drawn as a mosaic of its 2-D slices (rows: first axis, columns: second axis),
separated by thin gaps, so every entry is visible. Yours and the numerical gradient share one
colour scale; the difference has its own, centred on zero. A spec whose gradients are not compared with finite
differences (its `gradients(impl, case)` returns another reference) names that reference in `EXPECTED`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gradkit.checker.diagnose import _student_forward
from gradkit.checker.impl import Implementation
from gradkit.checker.numgrad import layer_loss, numerical_gradient
from gradkit.checker.setups import evaluate
from gradkit.checker.specs import EXERCISES, spec, spec_of

def default_case(exercise: str) -> object | None:
    """What `gradkit check EXERCISE --plot` draws when every check passed (the spec's `PLOT_CASE`), if anything."""
    return getattr(spec(exercise), "PLOT_CASE", None) if exercise in EXERCISES else None


def enlarged(case: object) -> object:
    """The same settings (stride, padding, kernel) on a larger input, so patterns are visible in a picture."""
    grow = getattr(spec_of(case), "enlarged", None)
    return grow(case) if grow else case


def mosaic(a: np.ndarray) -> np.ndarray:
    """A 2-D picture of `a`: 4-D (A, B, H, W) as an A x B grid of H x W tiles with NaN gaps."""
    if a.ndim == 1:
        return a[None, :]
    if a.ndim == 2:
        return a
    if a.ndim != 4:
        return a.reshape(-1, a.shape[-1])
    A, B, H, W = a.shape
    out = np.full((A * (H + 1) - 1, B * (W + 1) - 1), np.nan)
    for i in range(A):
        for j in range(B):
            out[i * (H + 1):i * (H + 1) + H, j * (W + 1):j * (W + 1) + W] = a[i, j]
    return out


def gradients(impl: Implementation, case: object) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{tensor name: (yours, numerical)} for every tensor of the exercise on `case`."""
    own = getattr(spec_of(case), "gradients", None)
    if own is not None:  # not a layer: the spec computes its tensors
        return own(impl, case)
    run = evaluate(impl, case)
    setup, v, dx, grads = run.setup, run.v, run.dx, run.grads
    params = {k: p.copy() for k, p in setup.layer.params.items()}
    forward = _student_forward(setup.layer, setup.out_shape, setup.formula)
    result = {}
    for tensor, mine in [("x", dx), *grads.items()]:
        result[f"d{tensor}"] = (mine, numerical_gradient(layer_loss(forward, setup.x, params, v, tensor), mine.shape))
    return result


def plot_gradients(impl: Implementation, case: object, path: Path) -> Path:
    """Write the figure for `case` to `path` (PNG) and return the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    case = enlarged(case)
    tensors = gradients(impl, case)
    # What the right-hand gradient is: finite differences, unless the spec compares with something else (`EXPECTED`).
    other = getattr(spec_of(case), "EXPECTED", "numerical")
    fig, axes = plt.subplots(len(tensors), 3, figsize=(12, 3.4 * len(tensors)), squeeze=False,
                             layout="constrained")
    for row, (name, (mine, numerical)) in enumerate(tensors.items()):
        # One colour scale for all three panels: a difference that is pale is small next to the gradient.
        limit = max(float(np.abs(mine).max(initial=0)), float(np.abs(numerical).max(initial=0)), 1e-12)
        diff = mine - numerical
        worst = float(np.abs(diff).max(initial=0))
        verdict = "right" if worst <= 1e-6 * limit else "WRONG"
        panels = [(mine, f"your {name}"), (numerical, f"{other} {name}"),
                  (diff, f"yours - {other}: {verdict} (max {worst:.1e})")]
        for col, (data, title) in enumerate(panels):
            ax = axes[row, col]
            image = ax.imshow(mosaic(data), cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
            ax.set_title(title, fontsize=11, color="black" if col < 2 or verdict == "right" else "darkred")
            ax.set_xticks([])
            ax.set_yticks([])
        fig.colorbar(image, ax=axes[row, :].tolist(), fraction=0.02, pad=0.02)
        axes[row, 0].set_ylabel(_axes_label(name, mine.ndim), fontsize=9)
    fig.suptitle(f"{type(case).__name__.removesuffix('Case')}: {case}", fontsize=11)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _axes_label(name: str, ndim: int) -> str:
    if ndim == 4:
        return f"{name}: tiles = (image or filter) x channel" if name == "dx" else f"{name}: tiles = filter x channel"
    return name
