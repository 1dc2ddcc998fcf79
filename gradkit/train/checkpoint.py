"""Checkpoints: one ``.npz`` file (no pickle), written atomically.

Layout: ``param/<name>`` for each network parameter (``<layer index>.<key>``), ``velocity/<name>`` for
the optimizer's velocities (``SGDMomentum.velocities[i][k]``), ``buffer/<name>`` for the layers' buffers
(``<layer index>.running_mean``, ``.running_var``: BatchNorm2D's running statistics, which evaluation
uses; none in a network without batch norm, nor in checkpoints written before there was one), and
``meta``, a JSON string holding the
training configuration, the position (epoch, batch), the running sums of the current epoch, the
per-epoch history and the elapsed time. The file is written to a temporary name in the same folder,
flushed to disk, then renamed over the old one, so a kill at any moment leaves either the previous or
the new checkpoint, never a broken one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from gradkit.errors import UserError

FORMAT = "gradkit-checkpoint-1"


def atomic_write_bytes(path: str | os.PathLike, write) -> None:
    """Call ``write(handle)`` on a temporary file next to ``path``, fsync it, then rename it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, lambda handle: handle.write(text.encode()))


class Checkpoint(NamedTuple):
    """What a checkpoint file holds: arrays by name, and the run's ``meta``."""

    params: dict[str, np.ndarray]
    velocities: dict[str, np.ndarray]
    meta: dict
    buffers: dict[str, np.ndarray]


def save_checkpoint(path: str | os.PathLike, params: dict[str, np.ndarray], velocities: dict[str, np.ndarray],
                    meta: dict, buffers: dict[str, np.ndarray] | None = None) -> None:
    """Write parameters, velocities, buffers and ``meta`` (JSON-serialisable) to ``path`` atomically."""
    arrays = {f"param/{name}": value for name, value in params.items()}
    arrays.update({f"velocity/{name}": value for name, value in velocities.items()})
    arrays.update({f"buffer/{name}": value for name, value in (buffers or {}).items()})
    arrays["meta"] = np.array(json.dumps({"format": FORMAT, **meta}))
    atomic_write_bytes(path, lambda handle: np.savez(handle, **arrays))


def _with_prefix(archive, prefix: str) -> dict[str, np.ndarray]:
    return {key.removeprefix(prefix): archive[key] for key in archive.files if key.startswith(prefix)}


def load_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """(params, velocities, meta, buffers) from a checkpoint written by ``save_checkpoint``."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"no checkpoint at {path}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(str(archive["meta"]))
            params, velocities = _with_prefix(archive, "param/"), _with_prefix(archive, "velocity/")
            buffers = _with_prefix(archive, "buffer/")
    except (OSError, ValueError, KeyError) as error:
        raise UserError(f"{path} is not a gradkit checkpoint ({error})") from None
    if meta.get("format") != FORMAT:
        raise UserError(f"{path} is not a gradkit checkpoint (format {meta.get('format')!r})")
    return Checkpoint(params, velocities, meta, buffers)
