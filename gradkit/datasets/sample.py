"""The small sample of real MNIST and CIFAR-10 images that ships with the project (``data/*-sample.npz``).

It lets ``gradkit train`` run offline on a fresh clone. Each file is a compressed ``.npz`` (no pickle)
with ``x_train``, ``y_train``, ``x_test``, ``y_test`` (uint8 images in the loaders' layout, int64
labels), ``classes`` and ``source`` (a sentence saying where the images come from). ``make_samples.py``
rebuilds them from the full data sets:

    python -m gradkit.datasets.make_samples --mnist-dir ../shared/data/mnist --cifar10-dir ../shared/data/cifar10
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gradkit import layout
from gradkit.errors import UserError

SAMPLE_FILES = {"mnist": "mnist-sample.npz", "cifar10": "cifar10-sample.npz"}


def sample_path(dataset: str) -> Path:
    """Where the shipped sample of ``dataset`` lives (the project's ``data/``)."""
    return layout.samples_dir() / SAMPLE_FILES[dataset]


def load_sample(dataset: str, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Images and labels of ``split`` ("train" or "test") of the shipped sample, same layout as the loaders."""
    if split not in ("train", "test"):
        raise UserError(f"unknown split {split!r}: choose train or test")
    path = sample_path(dataset)
    if not path.is_file():
        raise UserError(f"the shipped sample {path} is missing (restore it with git checkout)")
    with np.load(path, allow_pickle=False) as sample:
        return sample[f"x_{split}"], sample[f"y_{split}"].astype(np.int64)


def sample_source(dataset: str) -> str:
    """The sample's one-sentence description of where its images come from."""
    with np.load(sample_path(dataset), allow_pickle=False) as sample:
        return str(sample["source"])
