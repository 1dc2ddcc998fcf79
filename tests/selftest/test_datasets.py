"""Loaders for MNIST (IDX) and CIFAR-10 (binary and python versions), on small files written here."""

import gzip
import pickle
import socket
import urllib.error
from pathlib import Path

import numpy as np
import pytest
from datafiles import (
    cifar_contents,
    idx_bytes,
    md5,
    register_cifar_checksums,
    register_mnist_checksums,
    sha256,
    tarball_bytes,
    write_cifar,
    write_mnist,
)

from gradkit import layout
from gradkit.datasets import cifar10, datadir, load_cifar10, load_mnist, load_sample
from gradkit.datasets.download import RemoteFile
from gradkit.datasets.mnist import read_idx
from gradkit.errors import UserError


def offline_opener(request, timeout=None):
    raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))


# --- data directory ---------------------------------------------------------------------------------

def test_data_dir_is_explicit_option_then_environment_then_project(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADKIT_DATA", str(tmp_path / "env"))
    assert datadir.resolve_data_dir(tmp_path / "opt") == tmp_path / "opt"
    assert datadir.resolve_data_dir() == tmp_path / "env"
    monkeypatch.delenv("GRADKIT_DATA")
    assert datadir.resolve_data_dir() == Path(__file__).resolve().parents[2] / "data"


# --- MNIST ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("subfolder", ["mnist", ""])
def test_mnist_loads_gz_or_raw_files_in_official_order(tmp_path, monkeypatch, compress, subfolder):
    written = write_mnist(tmp_path / subfolder, compress=compress)
    register_mnist_checksums(monkeypatch, written)
    for split in ("train", "test"):
        images, labels = load_mnist(split, tmp_path, download=False)
        assert images.dtype == np.uint8 and images.shape[1:] == (28, 28)
        assert labels.dtype == np.int64
        np.testing.assert_array_equal(images, written[f"{split}-images"][1])
        np.testing.assert_array_equal(labels, written[f"{split}-labels"][1])


def test_mnist_file_that_is_not_the_official_one_is_refused(tmp_path, monkeypatch):
    written = write_mnist(tmp_path / "mnist")
    with pytest.raises(UserError, match=r"has 69,813 bytes, expected 9,912,422 .*delete it"):
        load_mnist("train", tmp_path, download=False)
    images, _ = load_mnist("train", tmp_path, download=False, verify=False)  # own IDX files: no checksum
    assert len(images) == 120
    register_mnist_checksums(monkeypatch, written)
    path = written["train-images"][0]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte changed
    path.write_bytes(bytes(data))
    with pytest.raises(UserError, match=r"has sha256 [0-9a-f]{64}, expected [0-9a-f]{64} \(corrupted"):
        load_mnist("train", tmp_path, download=False)


def test_truncated_or_foreign_idx_files_are_detected(tmp_path):
    data = idx_bytes(np.zeros((3, 28, 28), np.uint8))
    (tmp_path / "short").write_bytes(data[:-10])
    with pytest.raises(UserError, match="header says"):
        read_idx(tmp_path / "short")
    (tmp_path / "short.gz").write_bytes(gzip.compress(data)[:-12])
    with pytest.raises(UserError, match="not a readable gzip file"):
        read_idx(tmp_path / "short.gz")
    (tmp_path / "foreign").write_bytes(b"\x00\x00\x0d\x03" + data[4:])
    with pytest.raises(UserError, match="magic number"):
        read_idx(tmp_path / "foreign")


def test_missing_mnist_offline_says_which_files_to_put_where(tmp_path):
    with pytest.raises(UserError) as raised:
        load_mnist("train", tmp_path, opener=offline_opener, progress=False)
    message = str(raised.value)
    assert "could not be downloaded" in message and "Name or service not known" in message
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"):
        assert name in message
    assert f"in {tmp_path / 'mnist'}, or train on the sample with --sample" in message
    readme = message.split("SHA-256 in ", 1)[1].split(")", 1)[0]
    assert Path(readme).is_file()  # the data README where this gradkit is (a student has no data/ folder)
    assert "\n" not in message
    with pytest.raises(UserError, match="downloads are off"):
        load_mnist("test", tmp_path, download=False)


def test_missing_mnist_files_are_downloaded_verified_and_loaded(tmp_path, monkeypatch):
    source = tmp_path / "mirror"
    written = write_mnist(source)
    register_mnist_checksums(monkeypatch, written)
    for key, (path, _) in written.items():
        table_entry = RemoteFile(path.name, (path.as_uri(),), path.stat().st_size, sha256(path.read_bytes()))
        monkeypatch.setitem(__import__("gradkit.datasets.mnist", fromlist=["x"]).MNIST_FILES, key, table_entry)
    images, labels = load_mnist("train", tmp_path / "data", progress=False)
    assert (tmp_path / "data" / "mnist" / "train-images-idx3-ubyte.gz").is_file()
    np.testing.assert_array_equal(labels, written["train-labels"][1])


# --- CIFAR-10 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["binary", "python"])
def test_cifar10_loads_train_and_test_in_official_order(tmp_path, monkeypatch, version):
    contents = cifar_contents()
    register_cifar_checksums(monkeypatch, write_cifar(tmp_path / "cifar10", contents, version), version)
    images, labels = load_cifar10("train", tmp_path, version=version, download=False)
    assert images.shape == (60, 3, 32, 32) and images.dtype == np.uint8 and labels.dtype == np.int64
    expected = np.concatenate([contents[name][0] for name in cifar10.TRAIN_BATCHES])
    np.testing.assert_array_equal(images, expected)
    np.testing.assert_array_equal(labels, np.concatenate([contents[name][1] for name in cifar10.TRAIN_BATCHES]))
    test_images, test_labels = load_cifar10("test", tmp_path, download=False)
    np.testing.assert_array_equal(test_images, contents["test_batch"][0])


def test_cifar10_binary_record_layout_is_label_then_red_green_blue_planes(tmp_path, monkeypatch):
    record = np.zeros(3073, np.uint8)
    record[0] = 7
    record[1 + 1024 * 1 + 32 * 2 + 5] = 200  # green plane, row 2, column 5
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    (folder / "test_batch.bin").write_bytes(record.tobytes())
    images, labels = load_cifar10("test", tmp_path, download=False, verify=False)
    assert labels.tolist() == [7]
    assert images[0, 1, 2, 5] == 200 and images.sum() == 200


def test_cifar10_batch_that_is_not_official_is_refused(tmp_path):
    write_cifar(tmp_path, cifar_contents())
    with pytest.raises(UserError, match=r"data_batch_1.bin has .* expected 30,730,000"):
        load_cifar10("train", tmp_path, download=False)


def test_python_batch_with_wrong_checksum_is_never_unpickled(tmp_path, monkeypatch):
    marker = tmp_path / "code-ran"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    data = pickle.dumps({"data": Evil()}, protocol=2)
    (folder / "test_batch").write_bytes(data)
    with pytest.raises(UserError, match="expected 31,035,526"):
        load_cifar10("test", tmp_path, version="python", download=False, verify=False)
    monkeypatch.setitem(cifar10.PYTHON_FILES, "test_batch", RemoteFile("test_batch", (), len(data), md5="0" * 32))
    with pytest.raises(UserError, match=r"has md5 [0-9a-f]{32}, expected 0{32}"):
        load_cifar10("test", tmp_path, version="python", download=False, verify=False)
    assert not marker.exists()


def test_python_batch_unpickler_builds_only_arrays_even_after_a_checksum_match(tmp_path, monkeypatch):
    marker = tmp_path / "code-ran"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    data = pickle.dumps({"data": Evil(), "labels": [1]}, protocol=2)
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    (folder / "test_batch").write_bytes(data)
    register_cifar_checksums(monkeypatch, {"test_batch": data}, "python")
    with pytest.raises(UserError, match="refusing to load"):
        load_cifar10("test", tmp_path, version="python", download=False)
    assert not marker.exists()


def test_partial_folder_loads_the_batches_present_and_says_which_are_missing(tmp_path, monkeypatch):
    contents = cifar_contents(batches=("data_batch_1", "data_batch_2"))
    register_cifar_checksums(monkeypatch, write_cifar(tmp_path, contents))
    for download in (False, True):  # never a download over them, never the sample instead: the option is named
        with pytest.raises(UserError, match=r"holds 2 of 5 batches .*data_batch_3.*add --allow-partial"):
            load_cifar10("train", tmp_path, download=download)
    with pytest.warns(UserWarning, match=r"using 2 of 5 batches .*data_batch_3.bin, data_batch_4.bin"):
        images, _ = load_cifar10("train", tmp_path, download=False, partial=True)
    assert len(images) == 24


def test_verified_tarball_is_extracted_member_by_member_and_loaded(tmp_path, monkeypatch):
    contents = cifar_contents()
    written = write_cifar(tmp_path / "src", contents)
    register_cifar_checksums(monkeypatch, written)
    members = {f"cifar-10-batches-bin/{cifar10.BINARY_FILES[n].name}": data for n, data in written.items()}
    members["../escaped.bin"] = b"never written"
    members["cifar-10-batches-bin/../../escaped2.bin"] = b"never written"
    tarball = tarball_bytes(members)
    (tmp_path / "data" / "cifar10").mkdir(parents=True)
    (tmp_path / "data" / "cifar10" / "cifar-10-binary.tar.gz").write_bytes(tarball)
    monkeypatch.setitem(cifar10.TARBALLS, "binary", RemoteFile("cifar-10-binary.tar.gz", (), len(tarball),
                                                               sha256=sha256(tarball), md5=md5(tarball)))
    images, labels = load_cifar10("test", tmp_path / "data", download=False)
    np.testing.assert_array_equal(images, contents["test_batch"][0])
    assert (tmp_path / "data" / "cifar10" / "cifar-10-batches-bin" / "data_batch_5.bin").is_file()
    assert not list(tmp_path.rglob("escaped*"))


def test_corrupted_tarball_is_refused_before_anything_is_extracted(tmp_path, monkeypatch):
    (tmp_path / "cifar-10-python.tar.gz").write_bytes(b"not the real tarball")
    with pytest.raises(UserError, match=r"cifar-10-python.tar.gz has 20 bytes, expected 170,498,071"):
        load_cifar10("train", tmp_path, download=False)
    assert not (tmp_path / "cifar-10-batches-py").exists()


def test_missing_cifar10_offline_says_which_files_to_put_where(tmp_path):
    with pytest.raises(UserError) as raised:
        load_cifar10("train", tmp_path, opener=offline_opener, progress=False)
    message = str(raised.value)
    assert "cifar-10-binary.tar.gz (170,052,171 B, md5 c32a1d4ab5d03f1284b67883e8d87530" in message
    assert "cifar-10-batches-bin/" in message and message.endswith(f"in {tmp_path / 'cifar10'}")


# --- the shipped sample -----------------------------------------------------------------------------

@pytest.mark.parametrize("dataset, shape", [("mnist", (28, 28)), ("cifar10", (3, 32, 32))])
def test_shipped_sample_holds_real_images_in_the_loader_layout(dataset, shape):
    for split in ("train", "test"):
        images, labels = load_sample(dataset, split)
        assert images.dtype == np.uint8 and images.shape[1:] == shape and len(images) >= 200
        assert labels.dtype == np.int64 and set(np.unique(labels)) == set(range(10))
    sizes = sum(p.stat().st_size for p in layout.samples_dir().glob("*-sample.npz"))
    assert sizes < 6_000_000
