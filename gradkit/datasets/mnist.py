"""MNIST in the official IDX format, gzip-compressed (as distributed) or raw.

IDX: a big-endian header, magic 2051 then (N, 28, 28) as uint32 for images, magic 2049 then N for
labels, followed by the uint8 data. ``load_mnist`` finds the four files in ``<data_dir>/mnist/`` (or
``<data_dir>/`` itself), verifies them against the official SHA-256 and returns arrays in the official
order. Missing files are downloaded (see ``download.py``).
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

from gradkit import layout
from gradkit.datasets.datadir import candidate_dirs, resolve_data_dir
from gradkit.datasets.download import DownloadError, RemoteFile, download, verify_file
from gradkit.errors import UserError

MNIST_CLASSES = tuple(str(digit) for digit in range(10))
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)


def _remote(name: str, size: int, sha256: str) -> RemoteFile:
    return RemoteFile(name, tuple(mirror + name for mirror in MIRRORS), size, sha256)


# The official .gz files, and the SHA-256 of their decompressed contents (for raw files).
MNIST_FILES: dict[str, RemoteFile] = {
    "train-images": _remote("train-images-idx3-ubyte.gz", 9_912_422,
                            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    "train-labels": _remote("train-labels-idx1-ubyte.gz", 28_881,
                            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
    "test-images": _remote("t10k-images-idx3-ubyte.gz", 1_648_877,
                           "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
    "test-labels": _remote("t10k-labels-idx1-ubyte.gz", 4_542,
                           "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
}
MNIST_RAW_FILES: dict[str, RemoteFile] = {
    "train-images": RemoteFile("train-images-idx3-ubyte", (), 47_040_016,
                               "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    "train-labels": RemoteFile("train-labels-idx1-ubyte", (), 60_008,
                               "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    "test-images": RemoteFile("t10k-images-idx3-ubyte", (), 7_840_016,
                              "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    "test-labels": RemoteFile("t10k-labels-idx1-ubyte", (), 10_008,
                              "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
}
IDX_MAGIC = {2051: 3, 2049: 1}  # magic number -> number of dimensions


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (``.gz`` or raw, detected by content) into a uint8 array of the header's shape.

    Raises ``UserError`` for a bad magic number or a length that does not match the header (truncated).
    """
    path = Path(path)
    with open(path, "rb") as handle:
        compressed = handle.read(2) == b"\x1f\x8b"
    try:
        data = gzip.open(path).read() if compressed else path.read_bytes()
    except (OSError, EOFError, zlib.error) as error:  # bad gzip CRC, truncated or corrupted stream
        raise UserError(f"{path} is not a readable gzip file ({error})") from None
    magic = int.from_bytes(data[:4], "big")
    if magic not in IDX_MAGIC:
        raise UserError(f"{path} is not an MNIST IDX file (magic number {magic}, expected 2051 or 2049)")
    ndim = IDX_MAGIC[magic]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(data[4 + 4 * k: 8 + 4 * k], "big") for k in range(ndim))
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        raise UserError(f"{path} holds {len(data):,} bytes (decompressed), its header says {expected:,} (truncated?)")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def find_mnist_file(key: str, data_dir: Path) -> Path | None:
    """The first existing file for ``key`` ('train-images', ...): ``.gz`` before raw, ``mnist/`` first."""
    for folder in candidate_dirs(data_dir, "mnist"):
        for remote in (MNIST_FILES[key], MNIST_RAW_FILES[key]):
            if (folder / remote.name).is_file():
                return folder / remote.name
    return None


def mnist_missing_message(data_dir: Path, keys, reason: str) -> str:
    names = ", ".join(MNIST_FILES[key].name for key in keys)
    return (f"MNIST {reason}: put {names} (from {MIRRORS[0]}; sizes and SHA-256 in "
            f"{layout.samples_dir() / 'README.md'}) in {data_dir / 'mnist'}, or train on the sample with --sample")


def mnist_paths(split: str, data_dir: Path, *, download_missing: bool = True,
                progress: bool = True, opener=None) -> tuple[Path, Path]:
    """Paths of the images and labels files of ``split``, downloading the missing ones if allowed."""
    keys = (f"{split}-images", f"{split}-labels")
    found = {key: find_mnist_file(key, data_dir) for key in keys}
    missing = [key for key in keys if found[key] is None]
    if missing and not download_missing:
        raise UserError(mnist_missing_message(data_dir, missing, "is missing and downloads are off"))
    for key in missing:
        try:
            found[key] = download(MNIST_FILES[key], data_dir / "mnist" / MNIST_FILES[key].name,
                                  opener=opener, progress=progress)
        except DownloadError as error:
            absent = [k for k in MNIST_FILES if find_mnist_file(k, data_dir) is None]
            raise DownloadError(mnist_missing_message(data_dir, absent, f"could not be downloaded ({error.reason})"),
                                error.reason) from None
    return found[keys[0]], found[keys[1]]


def verify_mnist_file(path: Path, key: str) -> None:
    """Raise ``UserError`` unless ``path`` is byte-identical to the official file (``.gz`` or raw)."""
    remote = MNIST_FILES[key] if path.name.endswith(".gz") else MNIST_RAW_FILES[key]
    problem = verify_file(path, remote)
    if problem:
        raise UserError(f"{problem}; delete it to download it again")


def load_mnist(split: str = "train", data_dir: str | os.PathLike | None = None, *, download: bool = True,
               verify: bool = True, progress: bool = True, opener=None) -> tuple[np.ndarray, np.ndarray]:
    """Load one MNIST split in the official order.

    Parameters
    ----------
    split : "train" (60,000 images) or "test" (10,000).
    data_dir : folder holding ``mnist/`` (or the files); default ``resolve_data_dir()``.
    download : fetch missing files from the official mirrors.
    verify : check the files against the official SHA-256 (switch off only for your own IDX files).

    Returns
    -------
    images : ndarray, shape (N, 28, 28), uint8, 0 = background
    labels : ndarray, shape (N,), int64, 0..9
    """
    if split not in ("train", "test"):
        raise UserError(f"unknown MNIST split {split!r}: choose train or test")
    data_dir = resolve_data_dir(data_dir)
    images_path, labels_path = mnist_paths(split, data_dir, download_missing=download,
                                           progress=progress, opener=opener)
    if verify:
        verify_mnist_file(images_path, f"{split}-images")
        verify_mnist_file(labels_path, f"{split}-labels")
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise UserError(f"{images_path} and {labels_path} do not form an MNIST split "
                        f"(shapes {images.shape} and {labels.shape})")
    if labels.size and labels.max() > 9:
        raise UserError(f"{labels_path} holds label {labels.max()}, MNIST labels are 0..9")
    return images, labels.astype(np.int64)
