"""Rebuild the shipped samples ``data/mnist-sample.npz`` and ``data/cifar10-sample.npz`` from the full data.

    python -m gradkit.datasets.make_samples --mnist-dir ../shared/data/mnist --cifar10-dir ../shared/data/cifar10

The full files are verified against the official checksums first; the output is deterministic
(the first/last images in the official order, see ``source`` inside each file and data/README.md).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

from gradkit.datasets.cifar10 import BINARY_FILES, CIFAR10_CLASSES, cifar10_folder, read_cifar10_bin
from gradkit import layout
from gradkit.datasets.download import verify_file
from gradkit.datasets.mnist import MNIST_CLASSES, load_mnist
from gradkit.datasets.sample import SAMPLE_FILES
from gradkit.errors import UserError

# (train images, test images) kept in each sample: a few MB in total.
SAMPLE_SIZES = {"mnist": (5000, 1000), "cifar10": (1000, 200)}


def build_samples(mnist_dir: str | os.PathLike, cifar10_dir: str | os.PathLike,
                  out_dir: str | os.PathLike | None = None) -> list[Path]:
    """Write both samples from the full (verified) data sets; returns the files written."""
    out_dir = Path(out_dir) if out_dir is not None else layout.samples_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    n_train, n_test = SAMPLE_SIZES["mnist"]
    x_train, y_train = load_mnist("train", mnist_dir, download=False)
    x_test, y_test = load_mnist("test", mnist_dir, download=False)
    mnist = dict(x_train=x_train[:n_train], y_train=y_train[:n_train], x_test=x_test[:n_test],
                 y_test=y_test[:n_test], classes=np.array(MNIST_CLASSES),
                 source=np.array(f"MNIST (LeCun, Cortes, Burges): the first {n_train} images of the official "
                                 f"training set and the first {n_test} of the official test set"))
    n_train, n_test = SAMPLE_SIZES["cifar10"]
    _, folder = cifar10_folder("train", Path(cifar10_dir), version="binary", download_missing=False, partial=True)
    batches = {}
    for name in ("data_batch_1", "data_batch_4"):
        problem = verify_file(folder / BINARY_FILES[name].name, BINARY_FILES[name])
        if problem:
            raise UserError(problem)
        batches[name] = read_cifar10_bin(folder / BINARY_FILES[name].name)
    (x, y), (x4, y4) = batches["data_batch_1"], batches["data_batch_4"]
    cifar = dict(x_train=x[:n_train], y_train=y[:n_train], x_test=x4[-n_test:], y_test=y4[-n_test:],
                 classes=np.array(CIFAR10_CLASSES),
                 source=np.array(f"CIFAR-10 (Krizhevsky, 2009): the first {n_train} images of data_batch_1 for "
                                 f"training and the last {n_test} images of data_batch_4 for testing "
                                 f"(official training images; the sample has no official test images)"))
    written = []
    for dataset, arrays in (("mnist", mnist), ("cifar10", cifar)):
        path = out_dir / SAMPLE_FILES[dataset]
        temporary = path.with_name(path.name + ".part.npz")
        np.savez_compressed(temporary, **{key: np.asarray(value) for key, value in arrays.items()})
        os.replace(temporary, path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Rebuild data/*-sample.npz from the full data sets.")
    parser.add_argument("--mnist-dir", required=True, help="folder with the four official MNIST files")
    parser.add_argument("--cifar10-dir", required=True, help="folder with cifar-10-batches-bin/ (1 to 4 batches)")
    parser.add_argument("--out-dir", default=str(layout.samples_dir()))
    args = parser.parse_args(argv)
    for path in build_samples(args.mnist_dir, args.cifar10_dir, args.out_dir):
        print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
