"""The train / validation / test splits a training run uses, from the full data set or the shipped sample.

Order of preference: the full data set in the data directory (verified), else a download of it, else
(when the download fails, e.g. offline) the sample shipped in ``data/*-sample.npz``, announced loudly.
The validation split is the *last* ``val`` images of the training set in the official order.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gradkit.datasets.cifar10 import CIFAR10_CLASSES, load_cifar10
from gradkit.datasets.datadir import ENV_VAR, resolve_data_dir
from gradkit.datasets.download import DownloadError
from gradkit.datasets.mnist import MNIST_CLASSES, load_mnist
from gradkit.datasets.sample import load_sample, sample_path, sample_source
from gradkit.errors import UserError

DATASETS = ("mnist", "cifar10")
CLASSES = {"mnist": MNIST_CLASSES, "cifar10": CIFAR10_CLASSES}


@dataclass
class Splits:
    """uint8 images and int64 labels of each split; ``x_test`` is None when the data has no test split."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray | None
    y_test: np.ndarray | None
    classes: tuple[str, ...]
    source: str           # one sentence: where the images come from
    is_sample: bool
    notes: list[str]      # things the user should know (sample used, batches missing, no test split)


def _load_full(dataset: str, split: str, data_dir: Path, *, download: bool, partial: bool, verify: bool,
               progress: bool):
    """(images, labels, warnings) of one split of the full data set."""
    if dataset == "mnist":
        return (*load_mnist(split, data_dir, download=download, verify=verify, progress=progress), [])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        images, labels = load_cifar10(split, data_dir, download=download, partial=partial, verify=verify,
                                      progress=progress)
    return images, labels, [str(w.message) for w in caught]


def load_splits(dataset: str, data_dir: str | Path | None = None, *, val: int = 0, sample: bool = False,
                download: bool = True, partial: bool = False, verify: bool = True,
                limit_train: int | None = None, progress: bool = True) -> Splits:
    """Load ``dataset`` ("mnist" or "cifar10") and cut the validation split from the end of train.

    ``partial`` (CIFAR-10): accept a folder with only some training batches and no test batch, as in a
    development copy of the data; the run then reports validation accuracy instead of test accuracy.
    ``verify=False`` skips the official checksums, for your own files in the official formats (e.g.
    Fashion-MNIST's IDX files); CIFAR-10 python batches are checked before unpickling regardless.
    ``limit_train`` keeps only the first N training images (after the validation split is cut off).
    """
    if dataset not in DATASETS:
        raise UserError(f"unknown data set {dataset!r}: choose {' or '.join(DATASETS)}")
    if data_dir and not Path(data_dir).expanduser().is_dir():  # a typo must not train on the sample silently
        raise UserError(f"--data-dir {data_dir}: no such folder")
    if not data_dir and os.environ.get(ENV_VAR) and not resolve_data_dir().is_dir():
        raise UserError(f"${ENV_VAR} is {os.environ[ENV_VAR]}: no such folder")
    data_dir = resolve_data_dir(data_dir)
    notes: list[str] = []
    x_test = y_test = None
    if not sample:
        try:
            loaded = _load_full(dataset, "train", data_dir, download=download, partial=partial, verify=verify,
                                progress=progress)
        except DownloadError as error:
            notes.append(f"{error.args[0]}")
            notes.append(f"USING THE SHIPPED SAMPLE {sample_path(dataset)} instead of the full data set")
            sample = True
        else:
            x_train, y_train, caught = loaded
            notes.extend(caught)
            source = f"{dataset} from {data_dir}"
            try:
                x_test, y_test, _ = _load_full(dataset, "test", data_dir, download=download and not partial,
                                               partial=partial, verify=verify, progress=progress)
            except UserError as error:
                if not partial:
                    raise
                notes.append(f"no test split ({error.args[0].split(':')[0]}): reporting validation accuracy only")
    if sample:
        x_train, y_train = load_sample(dataset, "train")
        x_test, y_test = load_sample(dataset, "test")
        source = f"the shipped sample {sample_path(dataset).name}: {sample_source(dataset)}"
    if sample and val > len(x_train) // 5:
        asked, val = val, len(x_train) // 5
        notes.append(f"--val {asked:,} is more than the shipped sample allows (a fifth of its {len(x_train):,} "
                     f"training images): holding out {val:,} for validation instead")
    if not 0 <= val < len(x_train):
        raise UserError(f"--val {val}: the training split has only {len(x_train):,} images")
    cut = len(x_train) - val
    x_val, y_val = x_train[cut:], y_train[cut:]
    x_train, y_train = x_train[:cut], y_train[:cut]
    if limit_train is not None:
        x_train, y_train = x_train[:limit_train], y_train[:limit_train]
    return Splits(x_train, y_train, x_val, y_val, x_test, y_test, CLASSES[dataset], source, sample, notes)
