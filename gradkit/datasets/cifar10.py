"""CIFAR-10: the official binary version (preferred, no pickle) and the official python version.

* Binary version, ``cifar-10-batches-bin/``: ``data_batch_1.bin`` .. ``data_batch_5.bin`` and
  ``test_batch.bin``, each 10,000 records of 3,073 bytes (1 label byte, then 1024 R, 1024 G, 1024 B
  bytes, 32x32 row-major), and ``batches.meta.txt`` with the class names.
* Python version, ``cifar-10-batches-py/``: the same batches as pickled dicts (``data`` (10000, 3072)
  uint8, ``labels`` list). Unpickling can run code, so a batch is unpickled only after its MD5 matched
  the official one, and then only with an unpickler that can build nothing but NumPy arrays.

``load_cifar10`` looks in ``<data_dir>/cifar10/`` then ``<data_dir>/``, for an extracted folder or the
official tarball (verified, then only the expected members are extracted, each verified again), and
downloads the binary tarball when nothing is there.
"""

from __future__ import annotations

import os
import pickle
import tarfile
import warnings
from pathlib import Path

import numpy as np

from gradkit.datasets.datadir import candidate_dirs, resolve_data_dir
from gradkit.datasets.download import DownloadError, RemoteFile, download, verify_file
from gradkit.errors import UserError

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
TRAIN_BATCHES = ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5")
TEST_BATCHES = ("test_batch",)
RECORD_BYTES = 1 + 3 * 32 * 32
BATCH_BYTES = 10_000 * RECORD_BYTES
URL = "https://www.cs.toronto.edu/~kriz/"

BINARY_DIR = "cifar-10-batches-bin"
PYTHON_DIR = "cifar-10-batches-py"
TARBALLS: dict[str, RemoteFile] = {
    "binary": RemoteFile("cifar-10-binary.tar.gz", (URL + "cifar-10-binary.tar.gz",), 170_052_171,
                         sha256="c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
                         md5="c32a1d4ab5d03f1284b67883e8d87530"),
    "python": RemoteFile("cifar-10-python.tar.gz", (URL + "cifar-10-python.tar.gz",), 170_498_071,
                         md5="c58f30108f718f92721af3b95e74349a"),
}
# Per-file facts of the extracted batches, keyed by batch name.
BINARY_FILES: dict[str, RemoteFile] = {
    name: RemoteFile(name + ".bin", (), BATCH_BYTES, sha256=sha256) for name, sha256 in {
        "data_batch_1": "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5",
        "data_batch_2": "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed",
        "data_batch_3": "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67",
        "data_batch_4": "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48",
        "data_batch_5": "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add",
        "test_batch": "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b",
    }.items()
}
PYTHON_FILES: dict[str, RemoteFile] = {
    name: RemoteFile(name, (), size, md5=md5) for name, (size, md5) in {
        "data_batch_1": (31_035_704, "c99cafc152244af753f735de768cd75f"),
        "data_batch_2": (31_035_320, "d4bba439e000b95fd0a9bffe97cbabec"),
        "data_batch_3": (31_035_999, "54ebc095f3ab1f0389bbae665268c751"),
        "data_batch_4": (31_035_696, "634d18415352ddfa80567beed471001a"),
        "data_batch_5": (31_035_623, "482c414d41f54cd18b22e5b47cb7c3cb"),
        "test_batch": (31_035_526, "40351d587109b95175f43aff81a1287e"),
    }.items()
}
# Extracted from a tarball besides the batches; never read (the class names are CIFAR10_CLASSES).
EXTRA_MEMBERS = {"binary": ("batches.meta.txt", "readme.html"), "python": ("batches.meta", "readme.html")}
FOLDERS = {"binary": BINARY_DIR, "python": PYTHON_DIR}
FILES = {"binary": BINARY_FILES, "python": PYTHON_FILES}


def read_cifar10_bin(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read one binary-version batch: images (N, 3, 32, 32) uint8 and labels (N,) int64."""
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size == 0 or raw.size % RECORD_BYTES:
        raise UserError(f"{path} has {raw.size:,} bytes, not a whole number of {RECORD_BYTES}-byte CIFAR-10 records")
    records = raw.reshape(-1, RECORD_BYTES)
    labels = records[:, 0].astype(np.int64)
    if labels.max() > 9:
        raise UserError(f"{path} holds label {labels.max()}, CIFAR-10 labels are 0..9 (not a CIFAR-10 batch)")
    return np.ascontiguousarray(records[:, 1:]).reshape(-1, 3, 32, 32), labels


class _ArraysOnlyUnpickler(pickle.Unpickler):
    """Builds NumPy arrays, dicts, lists and strings; refuses every other global (no code runs)."""

    def find_class(self, module: str, name: str):
        if (module, name) in {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct")}:
            return np.ndarray.__reduce__(np.empty(0))[0]  # numpy's own _reconstruct, whatever its module
        if (module, name) == ("numpy", "ndarray"):
            return np.ndarray
        if (module, name) == ("numpy", "dtype"):
            return np.dtype
        if (module, name) == ("_codecs", "encode"):
            import codecs
            return codecs.encode
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR-10 batch")


def read_cifar10_pickle(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read one python-version batch (call only after its checksum matched): images (N,3,32,32), labels (N,)."""
    try:
        with open(path, "rb") as handle:
            batch = _ArraysOnlyUnpickler(handle, encoding="latin1").load()
        batch = {key.decode() if isinstance(key, bytes) else key: value for key, value in batch.items()}
        data = np.asarray(batch["data"], dtype=np.uint8)
        labels = np.asarray(batch["labels"], dtype=np.int64)
    except (pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError, EOFError) as error:
        raise UserError(f"{path} is not a CIFAR-10 python batch ({error})") from None
    if data.ndim != 2 or data.shape[1] != 3072 or len(labels) != len(data):
        raise UserError(f"{path} holds data of shape {data.shape} and {len(labels)} labels, expected (N, 3072) and N")
    return np.ascontiguousarray(data).reshape(-1, 3, 32, 32), labels


def extract_cifar10(tarball: str | os.PathLike, version: str, dest_root: str | os.PathLike) -> Path:
    """Extract the expected members of a *verified* official tarball into ``dest_root/<folder>/``.

    Only regular files with the expected names are written (no paths from the archive are trusted); each
    batch is checked against its own checksum, written to a temporary file, then renamed.
    """
    folder = Path(dest_root) / FOLDERS[version]
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"{FOLDERS[version]}/{remote.name}": remote for remote in FILES[version].values()}
    wanted.update({f"{FOLDERS[version]}/{name}": None for name in EXTRA_MEMBERS[version]})
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive:
            name = member.name.removeprefix("./")
            if name not in wanted or not member.isfile():
                continue
            target = folder / Path(name).name
            temporary = target.with_name(target.name + ".part")
            with archive.extractfile(member) as source, open(temporary, "wb") as out:
                while block := source.read(1 << 20):
                    out.write(block)
            remote = wanted[name]
            problem = verify_file(temporary, remote) if remote else None
            if problem:
                temporary.unlink()
                raise UserError(f"{tarball} holds a bad {member.name}: {problem}")
            os.replace(temporary, target)
    return folder


def _batch_path(folder: Path, version: str, batch: str) -> Path:
    return folder / FILES[version][batch].name


def _find_folder(data_dir: Path, versions, batches, *, complete: bool):
    """(version, folder) of the first extracted folder holding all ``batches`` (or any, if not complete)."""
    for base in candidate_dirs(data_dir, "cifar10"):
        for version in versions:
            folder = base / FOLDERS[version]
            present = [_batch_path(folder, version, b).is_file() for b in batches]
            if all(present) or (not complete and any(present)):
                return version, folder
    return None


def _find_tarball(data_dir: Path, versions):
    for base in candidate_dirs(data_dir, "cifar10"):
        for version in versions:
            if (base / TARBALLS[version].name).is_file():
                return version, base / TARBALLS[version].name
    return None


def cifar10_missing_message(data_dir: Path, reason: str) -> str:
    tarball = TARBALLS["binary"]
    return (f"CIFAR-10 {reason}: put {tarball.name} ({tarball.size:,} B, md5 {tarball.md5}, from {tarball.urls[0]}), "
            f"or its extracted folder {BINARY_DIR}/ (data_batch_1.bin .. data_batch_5.bin, test_batch.bin), "
            f"in {data_dir / 'cifar10'}")


def cifar10_folder(split: str, data_dir: Path, *, version: str = "auto", download_missing: bool = True,
                   partial: bool = False, progress: bool = True, opener=None) -> tuple[str, Path]:
    """(version, folder) holding ``split``'s batches: extracted, extracted from a tarball, or downloaded."""
    versions = ("binary", "python") if version == "auto" else (version,)
    batches = TRAIN_BATCHES if split == "train" else TEST_BATCHES
    found = _find_folder(data_dir, versions, batches, complete=True)
    if found:
        return found
    tarball = _find_tarball(data_dir, versions)
    if tarball:
        tar_version, path = tarball
        problem = verify_file(path, TARBALLS[tar_version])
        if problem:
            raise UserError(f"{problem}; delete it to download it again")
        return tar_version, extract_cifar10(path, tar_version, path.parent)
    found = _find_folder(data_dir, versions, batches, complete=False)
    if found and partial:
        return found
    if found:  # some batches are here: say how to use them, never download over them or fall back silently
        found_version, folder = found
        missing = [b for b in batches if not _batch_path(folder, found_version, b).is_file()]
        raise UserError(f"CIFAR-10 {split}: {folder} holds {len(batches) - len(missing)} of {len(batches)} batches "
                        f"({', '.join(missing)} missing): add --allow-partial to use them, or put the missing "
                        "ones there")
    if not download_missing:
        raise UserError(cifar10_missing_message(data_dir, f"{split} split is missing and downloads are off"))
    tar_version = versions[0]
    remote = TARBALLS[tar_version]
    try:
        path = download(remote, data_dir / "cifar10" / remote.name, opener=opener, progress=progress)
    except DownloadError as error:
        raise DownloadError(cifar10_missing_message(data_dir, f"could not be downloaded ({error.reason})"),
                            error.reason) from None
    return tar_version, extract_cifar10(path, tar_version, path.parent)


def load_cifar10(split: str = "train", data_dir: str | os.PathLike | None = None, *, version: str = "auto",
                 download: bool = True, verify: bool = True, partial: bool = False, progress: bool = True,
                 opener=None) -> tuple[np.ndarray, np.ndarray]:
    """Load one CIFAR-10 split in the official order.

    Parameters
    ----------
    split : "train" (data_batch_1..5, 50,000 images) or "test" (test_batch, 10,000).
    data_dir : folder holding ``cifar10/`` (or the extracted folder); default ``resolve_data_dir()``.
    version : "binary", "python" or "auto" (binary first).
    download : fetch the official binary tarball when nothing is found.
    verify : check binary batches against the official SHA-256. Python batches are always checked (MD5)
        before they are unpickled, whatever ``verify`` says.
    partial : accept an extracted folder with only some of the split's batches (warns which are missing).

    Returns
    -------
    images : ndarray, shape (N, 3, 32, 32), uint8, channels R, G, B
    labels : ndarray, shape (N,), int64, 0..9 (names in ``CIFAR10_CLASSES``)
    """
    if split not in ("train", "test"):
        raise UserError(f"unknown CIFAR-10 split {split!r}: choose train or test")
    if version not in ("auto", "binary", "python"):
        raise UserError(f"unknown CIFAR-10 version {version!r}: choose auto, binary or python")
    data_dir = resolve_data_dir(data_dir)
    version, folder = cifar10_folder(split, data_dir, version=version, download_missing=download,
                                     partial=partial, progress=progress, opener=opener)
    batches = TRAIN_BATCHES if split == "train" else TEST_BATCHES
    paths = [_batch_path(folder, version, batch) for batch in batches]
    missing = [path.name for path in paths if not path.is_file()]
    if missing:
        warnings.warn(f"CIFAR-10 {split}: using {len(paths) - len(missing)} of {len(paths)} batches from "
                      f"{folder} ({', '.join(missing)} missing)", stacklevel=2)
    images, labels = [], []
    for batch, path in zip(batches, paths):
        if not path.is_file():
            continue
        if version == "python" or verify:
            problem = verify_file(path, FILES[version][batch])
            if problem:
                raise UserError(f"{problem}; delete it (and its folder's tarball, if any) to download it again")
        batch_images, batch_labels = (read_cifar10_bin if version == "binary" else read_cifar10_pickle)(path)
        images.append(batch_images)
        labels.append(batch_labels)
    return np.concatenate(images), np.concatenate(labels)
