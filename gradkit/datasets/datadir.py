"""Where data files live: an explicit option, else ``$GRADKIT_DATA``, else the project's ``data/``.

Each data set has its own sub-folder (``data/mnist/``, ``data/cifar10/``), and the loaders also accept
the files directly in the folder given, so ``--data-dir ../shared/data`` and
``--data-dir ../shared/data/mnist`` both work.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "GRADKIT_DATA"
PROJECT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data directory: ``explicit`` if given, else ``$GRADKIT_DATA`` if set, else the project's ``data/``."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return PROJECT_DATA_DIR


def candidate_dirs(data_dir: Path, dataset: str) -> list[Path]:
    """Folders searched for ``dataset``'s files, in order: ``data_dir/dataset`` then ``data_dir`` itself."""
    return [data_dir / dataset, data_dir]
