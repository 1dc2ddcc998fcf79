"""Writing generated arrays (fixtures, fingerprints) without churn: a file whose arrays agree with the new ones to
round-off is left as it is, so regenerating on another machine (another BLAS, another summation order) changes
only what really changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def save_if_changed(path: Path, arrays: dict[str, np.ndarray], rtol: float, atol: float = 0.0) -> bool:
    """Write `arrays` to `path` (compressed .npz) unless it already holds the same keys, shapes and dtypes with
    values equal within `rtol`/`atol`; True if written."""
    if path.exists():
        with np.load(path, allow_pickle=False) as old:
            same = set(old.files) == set(arrays) and all(
                old[k].shape == np.shape(v) and old[k].dtype == np.asarray(v).dtype
                and np.allclose(old[k], v, rtol=rtol, atol=atol, equal_nan=True) for k, v in arrays.items())
        if same:
            return False
    np.savez_compressed(path, **arrays)
    return True
