"""The trainer on small synthetic data in the official formats: files written, reproducible, resumable."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error

import numpy as np
import pytest
from datafiles import (
    cifar_contents,
    register_cifar_checksums,
    register_mnist_checksums,
    write_cifar,
    write_mnist,
)

from gradkit.cli.main import main
from gradkit.errors import UserError
from gradkit.cli.train import load_impl
from gradkit.train.augment import normalise, random_crop_flip
from gradkit.train.checkpoint import load_checkpoint
from gradkit.train.data import load_splits
from gradkit.train.models import Flatten, cifar10_net, mnist_net
from gradkit.train.trainer import TrainConfig, Trainer, learning_rate


@pytest.fixture(scope="module")
def impl():
    return load_impl("solutions")


@pytest.fixture
def mnist_dir(tmp_path, monkeypatch):
    written = write_mnist(tmp_path / "data" / "mnist", n_train=160, n_test=40)
    register_mnist_checksums(monkeypatch, written)
    return tmp_path / "data"


def small_config(**changes):
    values = dict(dataset="mnist", epochs=2, batch_size=16, lr=0.02, val=32, seed=3)
    values.update(changes)
    return TrainConfig(**values)


def train(impl, data_dir, out, config, **kwargs):
    data = load_splits(config.dataset, data_dir, val=config.val, download=False, partial=config.partial)
    return Trainer(config, impl, data, out, progress=False, log=lambda line: None, **kwargs)


def test_networks_have_the_documented_shapes(impl):
    rng = np.random.default_rng(0)
    for build, shape, count in ((mnist_net, (1, 28, 28), 206_922), (cifar10_net, (3, 32, 32), 1_116_970)):
        net = build(impl, rng)
        assert net.parameter_count() == count
        assert all(v.dtype == np.float32 for v in net.state().values())
        x = rng.standard_normal((2, *shape)).astype(np.float32)
        scores = net.forward(x)
        assert scores.shape == (2, 10) and scores.dtype == np.float32
        assert net.backward(np.ones_like(scores)).shape == x.shape


def test_flatten_round_trips_shapes():
    flatten = Flatten()
    x = np.arange(24.0).reshape(2, 3, 2, 2)
    assert flatten.forward(x).shape == (2, 12)
    np.testing.assert_array_equal(flatten.backward(flatten.forward(x)), x)


def test_learning_rate_warms_up_then_decays_to_zero():
    config = TrainConfig(dataset="mnist", epochs=2, lr=0.1, warmup_epochs=0.5)
    rates = [learning_rate(config, step, 10) for step in range(20)]
    assert rates[0] == pytest.approx(0.02) and rates[4] == pytest.approx(0.1)
    assert all(a >= b for a, b in zip(rates[4:], rates[5:])) and rates[-1] < 0.002


def test_augmentation_crops_and_flips_each_image():
    x = np.arange(2 * 1 * 4 * 4, dtype=np.float32).reshape(2, 1, 4, 4) + 1
    out = random_crop_flip(x, np.random.default_rng(0), padding=1)
    assert out.shape == x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    for n in range(2):
        windows = [padded[n, 0, i:i + 4, j:j + 4] for i in range(3) for j in range(3)]
        windows += [w[:, ::-1] for w in windows]
        assert any(np.array_equal(out[n, 0], w) for w in windows)
    assert normalise(np.full((1, 28, 28), 33.318, np.float32).astype(np.uint8), (33.0,), (1.0,)).dtype == np.float32


def test_training_writes_checkpoint_metrics_and_plots(impl, mnist_dir, tmp_path):
    out = tmp_path / "run"
    summary = train(impl, mnist_dir, out, small_config(epochs=3, lr=0.05)).run()
    assert summary["test_acc"] > 0.3  # the synthetic classes are easy
    rows = (out / "metrics.csv").read_text().splitlines()
    assert rows[0].startswith("epoch,lr,train_loss,train_acc,val_loss,val_acc") and len(rows) == 4
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["summary"]["reported_split"] == "test" and len(metrics["epochs"]) == 3
    for name in ("curves", "confusion", "predictions", "filters"):
        assert (out / "plots" / f"{name}.png").stat().st_size > 5000
    params, velocities, meta = load_checkpoint(out / "checkpoint.npz")
    assert meta["state"]["finished"] and set(params) == set(velocities)


def test_same_seed_same_weights_and_interrupted_run_resumes_to_the_same_result(impl, mnist_dir, tmp_path):
    config = small_config()
    train(impl, mnist_dir, tmp_path / "a", config, plots=False).run()
    interrupted = train(impl, mnist_dir, tmp_path / "b", config, plots=False)
    interrupted.run(stop_after_steps=11)  # mid-epoch 2 (8 batches per epoch)
    assert load_checkpoint(tmp_path / "b" / "checkpoint.npz")[2]["state"]["batch"] == 3
    train(impl, mnist_dir, tmp_path / "b", config, plots=False).run(resume=True)
    a, b = load_checkpoint(tmp_path / "a" / "checkpoint.npz"), load_checkpoint(tmp_path / "b" / "checkpoint.npz")
    for key in a[0]:
        np.testing.assert_array_equal(a[0][key], b[0][key])
        np.testing.assert_array_equal(a[1][key], b[1][key])
    drop = ("train_seconds", "cpu_seconds", "wall_seconds")
    assert [{k: v for k, v in row.items() if k not in drop} for row in a[2]["state"]["history"]] == \
           [{k: v for k, v in row.items() if k not in drop} for row in b[2]["state"]["history"]]


def test_two_threads_train_like_one(impl, mnist_dir, tmp_path):
    one = train(impl, mnist_dir, tmp_path / "one", small_config(epochs=1), plots=False)
    two = train(impl, mnist_dir, tmp_path / "two", small_config(epochs=1, threads=2), plots=False)
    one.run(), two.run()
    for key, value in one.model.net.state().items():
        np.testing.assert_allclose(two.model.net.state()[key], value, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("threads", [1, 2])
def test_blas_uses_one_thread_per_training_thread_for_the_whole_run(impl, mnist_dir, tmp_path, monkeypatch, threads):
    from threadpoolctl import threadpool_info

    from gradkit.train.trainer import Model

    seen = []
    train_step, scores = Model.train_step, Model.scores

    def spy(method):
        def wrapped(self, *args):
            seen.append(sum(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"))
            return method(self, *args)
        return wrapped

    monkeypatch.setattr(Model, "train_step", spy(train_step))
    monkeypatch.setattr(Model, "scores", spy(scores))
    trainer = train(impl, mnist_dir, tmp_path / "run", small_config(epochs=1, threads=threads), plots=False)
    trainer.run()
    assert seen and set(seen) == {1}  # each of the `threads` training threads: one BLAS thread
    assert len(trainer.model.replicas) == threads


def test_cifar10_with_augmentation_trains_from_a_partial_binary_folder(impl, tmp_path, monkeypatch):
    contents = cifar_contents(n=24, batches=("data_batch_1", "data_batch_2"))
    register_cifar_checksums(monkeypatch, write_cifar(tmp_path / "data", contents))
    config = small_config(dataset="cifar10", epochs=1, augment=True, val=8, partial=True)
    data = load_splits("cifar10", tmp_path / "data", val=8, download=False, partial=True)
    assert data.x_test is None and any("no test split" in note for note in data.notes)
    summary = Trainer(config, impl, data, tmp_path / "run", progress=False, plots=False, log=lambda line: None).run()
    assert summary["reported_split"] == "val" and 0 <= summary["val_acc"] <= 1


def test_offline_without_data_falls_back_to_the_shipped_sample(tmp_path, monkeypatch):
    def offline(request, timeout=None):
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    monkeypatch.setattr("urllib.request.urlopen", offline)
    data = load_splits("mnist", tmp_path, val=5000)
    assert data.is_sample and "USING THE SHIPPED SAMPLE" in " ".join(data.notes)
    assert len(data.x_val) == 1000 and len(data.x_train) == 4000 and data.x_test is not None


def gradkit(*args, env=None):
    return subprocess.run([sys.executable, "-m", "gradkit.cli.main", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300, env=env)


def test_killed_training_resumes_to_the_same_result_as_an_uninterrupted_run(tmp_path, capsys):
    """SIGKILL a `gradkit train` subprocess mid-epoch, `--resume` it, compare with a run never killed."""
    write_mnist(tmp_path / "data" / "mnist", n_train=764, n_test=40, compress=False)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    common = ["train", "mnist", "--data-dir", str(tmp_path / "data"), "--epochs", "2", "--batch-size", "32",
              "--val", "60", "--seed", "5", "--no-plots", "--no-progress", "--no-download", "--no-verify"]

    done = gradkit(*common, "--out", str(tmp_path / "a"), env=env)
    assert done.returncode == 0, done.stderr

    out = tmp_path / "b"
    command = [sys.executable, "-m", "gradkit.cli.main", *common, "--out", str(out), "--checkpoint-every", "0"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 120
    step = 0
    while time.monotonic() < deadline and process.poll() is None:
        try:
            state = load_checkpoint(out / "checkpoint.npz")[2]["state"]
            step = state["step"]
        except Exception:  # not written yet
            step = 0
        if step >= 28:  # in epoch 2 of 2 (22 batches per epoch)
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    state = load_checkpoint(out / "checkpoint.npz")[2]["state"]
    assert not state["finished"] and 28 <= state["step"] < 44

    resumed = gradkit(*common, "--out", str(out), "--resume", env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming" in resumed.stdout
    a, b = load_checkpoint(tmp_path / "a" / "checkpoint.npz"), load_checkpoint(out / "checkpoint.npz")
    for key in a[0]:
        np.testing.assert_array_equal(a[0][key], b[0][key])
    assert a[2]["state"]["summary"]["test_acc"] == b[2]["state"]["summary"]["test_acc"]

    capsys.readouterr()
    assert main(["evaluate", "--checkpoint", str(out / "checkpoint.npz")]) == 0
    assert f"mnist test: accuracy {100 * b[2]['state']['summary']['test_acc']:.2f}%" in capsys.readouterr().out

    assert main([*common, "--out", str(out)]) == 2
    assert "already holds a run: add --resume" in capsys.readouterr().err


@pytest.mark.parametrize("option, value, expected", [
    ("--lr", "-1", "gradkit train: --lr -1.0: the learning rate must be above 0"),
    ("--batch-size", "0", "gradkit train: --batch-size 0: a batch holds at least 1 image"),
    ("--epochs", "0", "gradkit train: --epochs 0: train for at least 1 epoch"),
    ("--data-dir", "no/such/dataa", "gradkit train: --data-dir no/such/dataa: no such folder"),
])
def test_bad_training_options_fail_in_one_line_before_any_work(tmp_path, capsys, option, value, expected):
    assert main(["train", "mnist", option, value, "--out", str(tmp_path / "run"), "--no-download",
                 "--no-progress", "--no-plots"]) == 2
    assert capsys.readouterr().err == expected + "\n"
    assert not (tmp_path / "run").exists()


def test_a_val_the_sample_cannot_hold_is_named_in_the_note():
    data = load_splits("mnist", sample=True, val=2000)
    assert len(data.x_val) == 1000
    assert any("--val 2,000 is more than the shipped sample allows" in note for note in data.notes)
    assert len(load_splits("mnist", sample=True, val=300).x_val) == 300  # within the sample: honoured


def test_a_partial_cifar10_folder_names_allow_partial_instead_of_training_on_the_sample(tmp_path, monkeypatch):
    def offline(request, timeout=None):
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    monkeypatch.setattr("urllib.request.urlopen", offline)
    contents = cifar_contents(n=12, batches=("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4"))
    register_cifar_checksums(monkeypatch, write_cifar(tmp_path / "data", contents))
    with pytest.raises(UserError, match=r"4 of 5 batches \(data_batch_5 missing\): add --allow-partial"):
        load_splits("cifar10", tmp_path / "data", val=8)
