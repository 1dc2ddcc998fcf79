"""Where data files live: an explicit option, else ``$GRADKIT_DATA``, else the source repository's
``data/`` (in a clone) or the user's cache folder (an installed gradkit never writes into its own package).

Each data set has its own sub-folder (``data/mnist/``, ``data/cifar10/``), and the loaders also accept
the files directly in the folder given, so ``--data-dir ../shared/data`` and
``--data-dir ../shared/data/mnist`` both work.
"""

from __future__ import annotations

import os
from pathlib import Path

from gradkit import layout

ENV_VAR = "GRADKIT_DATA"


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data directory: ``explicit`` if given, else ``$GRADKIT_DATA`` if set, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return default_data_dir()


def default_data_dir() -> Path:
    """The source repository's ``data/``; for an installed gradkit ``$XDG_CACHE_HOME/gradkit`` (``~/.cache/gradkit``)."""
    if layout.source_root() is not None:
        return layout.samples_dir()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache).expanduser() / "gradkit"


def candidate_dirs(data_dir: Path, dataset: str) -> list[Path]:
    """Folders searched for ``dataset``'s files, in order: ``data_dir/dataset`` then ``data_dir`` itself."""
    return [data_dir / dataset, data_dir]
