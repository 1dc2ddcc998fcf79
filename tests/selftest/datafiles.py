"""Small data files in the official MNIST and CIFAR-10 formats, written by the tests themselves.

The images are learnable: class k lights a bright square at a class-specific place, plus noise, so a
few training steps already beat chance. Nothing here touches the network or the real data sets.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import tarfile
from pathlib import Path

import numpy as np

from gradkit.datasets import cifar10, mnist
from gradkit.datasets.download import RemoteFile


def images_for(labels: np.ndarray, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """uint8 images of ``shape`` (per image) whose content depends on the label."""
    images = rng.integers(0, 60, size=(len(labels), *shape), dtype=np.uint8)
    size = shape[-1]
    for i, label in enumerate(labels):
        top, left = 2 + 2 * (label // 5) * 3, 2 + (label % 5) * (size // 6)
        images[i, ..., top:top + 5, left:left + 4] = 250
    return images


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file: magic 2051 (3-D images) or 2049 (1-D labels), big-endian sizes, then uint8 data."""
    magic = {3: 2051, 1: 2049}[array.ndim]
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_mnist(folder: Path, n_train: int = 120, n_test: int = 40, *, compress: bool = True, seed: int = 0):
    """Write the four MNIST files into ``folder``; returns {key: (path, array)}."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for split, n in (("train", n_train), ("test", n_test)):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        images = images_for(labels, (28, 28), rng)
        for kind, array in (("images", images), ("labels", labels)):
            key = f"{split}-{kind}"
            name = mnist.MNIST_FILES[key].name if compress else mnist.MNIST_RAW_FILES[key].name
            data = idx_bytes(array)
            (folder / name).write_bytes(gzip.compress(data) if compress else data)
            written[key] = (folder / name, array)
    return written


def register_mnist_checksums(monkeypatch, written) -> None:
    """Make the loader accept the test's files as if they were the official ones."""
    for key, (path, _) in written.items():
        table = mnist.MNIST_FILES if path.name.endswith(".gz") else mnist.MNIST_RAW_FILES
        fake = RemoteFile(path.name, table[key].urls, path.stat().st_size, sha256(path.read_bytes()))
        monkeypatch.setitem(table, key, fake)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def cifar_batch(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    labels = rng.integers(0, 10, n)
    return images_for(labels, (3, 32, 32), rng), labels


def bin_bytes(images: np.ndarray, labels: np.ndarray) -> bytes:
    """Binary-version records: 1 label byte, then the 3072 pixel bytes (R, G, B planes)."""
    records = np.concatenate([labels.astype(np.uint8)[:, None], images.reshape(len(images), -1)], axis=1)
    return records.tobytes()


def pickle_bytes(images: np.ndarray, labels: np.ndarray) -> bytes:
    """Python-version batch: a protocol-2 pickle of {'batch_label', 'labels', 'data', 'filenames'}."""
    batch = {"batch_label": "testing batch", "labels": [int(v) for v in labels],
             "data": images.reshape(len(images), -1), "filenames": [f"img_{i}.png" for i in range(len(labels))]}
    return pickle.dumps(batch, protocol=2)


def cifar_contents(n: int = 12, seed: int = 0, batches=cifar10.TRAIN_BATCHES + cifar10.TEST_BATCHES):
    rng = np.random.default_rng(seed)
    return {name: cifar_batch(n, rng) for name in batches}


def write_cifar(root: Path, contents: dict, version: str = "binary") -> dict[str, bytes]:
    """Write an extracted official folder (cifar-10-batches-bin or -py) under ``root``; returns name -> bytes."""
    folder = root / cifar10.FOLDERS[version]
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, (images, labels) in contents.items():
        data = bin_bytes(images, labels) if version == "binary" else pickle_bytes(images, labels)
        (folder / cifar10.FILES[version][name].name).write_bytes(data)
        written[name] = data
    meta = "\n".join(cifar10.CIFAR10_CLASSES) + "\n"
    (folder / ("batches.meta.txt" if version == "binary" else "batches.meta")).write_bytes(meta.encode())
    return written


def register_cifar_checksums(monkeypatch, written: dict[str, bytes], version: str = "binary") -> None:
    table = cifar10.FILES[version]
    for name, data in written.items():
        fake = RemoteFile(table[name].name, (), len(data), sha256=sha256(data) if version == "binary" else None,
                          md5=md5(data) if version == "python" else None)
        monkeypatch.setitem(table, name, fake)


def tarball_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
