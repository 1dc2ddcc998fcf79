"""The trainer on small synthetic data in the official formats: files written, reproducible, resumable."""

import json
import os
import shutil
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

from gradkit import layout
from gradkit.cli.main import build_parser, main
from gradkit.errors import UserError
from gradkit.cli.train import config_from_args, load_impl
from gradkit.train.augment import normalise, random_crop_flip
from gradkit.train.checkpoint import load_checkpoint
from gradkit.train.data import load_splits
from gradkit.train.models import Flatten, _initialised, cifar10_bn_net, cifar10_net, mnist_net
from gradkit.train.network import Network
from gradkit.train.trainer import TrainConfig, Trainer, learning_rate, load_trained


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
    for build, shape, count in ((mnist_net, (1, 28, 28), 206_922), (cifar10_net, (3, 32, 32), 1_116_970),
                                (cifar10_bn_net, (3, 32, 32), 289_194)):
        net = build(impl, rng)
        assert net.parameter_count() == count
        assert all(v.dtype == np.float32 for v in net.state().values())
        x = rng.standard_normal((2, *shape)).astype(np.float32)
        scores = net.forward(x)
        assert scores.shape == (2, 10) and scores.dtype == np.float32
        assert net.backward(np.ones_like(scores)).shape == x.shape
        net.eval()
        assert net.forward(x).dtype == np.float32


def test_the_batch_normalised_net_stays_float32_in_both_modes(impl):
    """float32 gamma/beta and float64 running statistics (the contract's) give float32 outputs throughout."""
    net = cifar10_bn_net(impl, np.random.default_rng(0))
    x = np.random.default_rng(1).standard_normal((2, 3, 32, 32)).astype(np.float32)
    for mode in (net.train, net.eval):
        mode()
        h = x
        for layer in net.layers:
            h = layer.forward(h)
            assert h.dtype == np.float32, f"{layer!r} in {mode.__name__} mode gave {h.dtype}"
    assert {v.dtype for v in net.buffers().values()} == {np.dtype(np.float64)} and len(net.buffers()) == 12


def tiny_bn_net(impl, rng):
    """conv 3->4 (N, 4, 6, 6), batch norm, ReLU, global average pool (N, 4), linear 4->3: a BN net in 1 ms."""
    layers = [impl.Conv2D(3, 4, 3, padding=1, rng=rng), impl.BatchNorm2D(4), impl.ReLU(),
              impl.AvgPool2D(global_pool=True), impl.Linear(4, 3, rng=rng)]
    return Network("tiny_bn", _initialised(layers, rng), (3, 6, 6), classes=3)


def test_eval_mode_predicts_with_the_running_statistics_whatever_the_batch(impl):
    rng = np.random.default_rng(0)
    net = tiny_bn_net(impl, rng)
    x = (3 + 2 * rng.standard_normal((8, 3, 6, 6))).astype(np.float32)
    for _ in range(3):
        net.forward(x)  # training mode: moves the running statistics towards the batch's
    running = {key: value.copy() for key, value in net.buffers().items()}
    assert not np.allclose(running["1.running_mean"], 0.0)

    net.eval()
    together = net.forward(x)
    alone = np.concatenate([net.forward(x[i:i + 1]) for i in range(len(x))])
    np.testing.assert_allclose(alone, together, rtol=1e-5, atol=1e-6)  # an image's scores ignore its batch
    np.testing.assert_array_equal(net.forward(x), together)             # and are the same on every call
    for key, value in net.buffers().items():
        np.testing.assert_array_equal(value, running[key])              # evaluating moved nothing
    conv, bn = net.layers[0], net.layers[1]
    h = conv.forward(x)
    by_hand = (h - bn.running_mean[:, None, None]) / np.sqrt(bn.running_var[:, None, None] + bn.eps)
    np.testing.assert_allclose(bn.forward(h), by_hand, rtol=1e-4, atol=1e-5)  # gamma 1, beta 0: not trained

    net.train()
    assert not np.allclose(net.forward(x[:2])[0], net.forward(x[:4])[0])  # training mode: the batch's statistics
    summary_before = {key: value.copy() for key, value in net.buffers().items()}
    net.summary()
    assert net.training and all(np.array_equal(v, summary_before[k]) for k, v in net.buffers().items())


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
    params, velocities, meta, buffers = load_checkpoint(out / "checkpoint.npz")
    assert meta["state"]["finished"] and set(params) == set(velocities) and buffers == {}
    assert meta["network"] == "mnist_net" and meta["config"]["net"] == "mnist_net"


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


@pytest.fixture
def cifar_dir(tmp_path, monkeypatch):
    """A partial CIFAR-10 folder: two training batches of 24 images, no test batch."""
    contents = cifar_contents(n=24, batches=("data_batch_1", "data_batch_2"))
    register_cifar_checksums(monkeypatch, write_cifar(tmp_path / "data", contents))
    return tmp_path / "data"


def bn_config(**changes):
    """cifar10_bn_net on 40 training images: 5 batches of 8 per epoch."""
    return small_config(**{**dict(dataset="cifar10", net="cifar10_bn_net", epochs=2, batch_size=8, val=8,
                                  partial=True, augment=True, lr=0.05), **changes})


def test_checkpoint_keeps_the_running_statistics_so_a_reloaded_model_predicts_the_same(impl, cifar_dir, tmp_path):
    trainer = train(impl, cifar_dir, tmp_path / "run", bn_config(), plots=False)
    summary = trainer.run()
    assert all(v.dtype == np.float32 for v in trainer.model.net.state().values())
    stored = load_checkpoint(tmp_path / "run" / "checkpoint.npz")
    assert set(stored.buffers) == set(trainer.model.buffers()) and len(stored.buffers) == 12
    for key, value in trainer.model.buffers().items():
        np.testing.assert_array_equal(stored.buffers[key], value)
        assert stored.buffers[key].dtype == np.float64
    assert not np.allclose(stored.buffers["1.running_var"], 1.0)  # training moved them

    model, _ = load_trained(tmp_path / "run" / "checkpoint.npz", load_impl)
    images, mean, std = trainer.data.x_val, trainer.mean, trainer.std
    scores = model.scores(images, mean, std)
    np.testing.assert_array_equal(scores, trainer.model.scores(images, mean, std))
    assert not model.net.training and np.mean(scores.argmax(axis=1) == trainer.data.y_val) == summary["val_acc"]
    fresh = {key: np.zeros_like(v) if key.endswith("mean") else np.ones_like(v) for key, v in stored.buffers.items()}
    model.net.load_buffers(fresh)
    assert not np.allclose(model.scores(images, mean, std), scores)  # without them the predictions differ


def test_batch_normalised_run_with_two_threads_resumes_to_the_same_weights_and_statistics(impl, cifar_dir, tmp_path):
    config = bn_config(threads=2)
    whole = train(impl, cifar_dir, tmp_path / "a", config, plots=False)
    whole.run()
    replicas = [net.buffers() for net, _ in whole.model.replicas]
    for key, value in replicas[0].items():  # both halves' statistics averaged after every step
        np.testing.assert_array_equal(replicas[1][key], value)
    train(impl, cifar_dir, tmp_path / "b", config, plots=False).run(stop_after_steps=7)  # mid-epoch 2
    train(impl, cifar_dir, tmp_path / "b", config, plots=False).run(resume=True)
    a, b = load_checkpoint(tmp_path / "a" / "checkpoint.npz"), load_checkpoint(tmp_path / "b" / "checkpoint.npz")
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    for key in a.buffers:
        np.testing.assert_array_equal(a.buffers[key], b.buffers[key])
    assert a.meta["state"]["summary"]["val_acc"] == b.meta["state"]["summary"]["val_acc"]


def test_net_option_chooses_the_network_and_its_default_schedule(cifar_dir, tmp_path, capsys):
    def config(*argv):
        return config_from_args(build_parser().parse_args(["train", *argv]))

    assert (config("cifar10").net, config("cifar10").epochs) == ("cifar10_net", 12)  # today's default kept
    bn = config("cifar10", "--net", "cifar10_bn_net", "--epochs", "3")
    assert (bn.net, bn.epochs, bn.batch_size, bn.lr) == ("cifar10_bn_net", 3, 128, 0.1)
    assert config("mnist").net == "mnist_net"
    assert TrainConfig.from_dict({"dataset": "cifar10"}).net == "cifar10_net"  # a checkpoint from before --net

    out = tmp_path / "run"
    assert main(["train", "cifar10", "--net", "cifar10_bn_net", "--data-dir", str(cifar_dir), "--allow-partial",
                 "--no-download", "--epochs", "1", "--batch-size", "8", "--val", "8", "--out", str(out),
                 "--no-plots", "--no-progress"]) == 0
    assert "cifar10_bn_net: input (3, 32, 32)" in capsys.readouterr().out
    meta = load_checkpoint(out / "checkpoint.npz").meta
    assert meta["network"] == meta["config"]["net"] == "cifar10_bn_net"
    assert main(["evaluate", "--checkpoint", str(out / "checkpoint.npz"), "--no-download"]) == 0
    assert f"cifar10 val: accuracy {100 * meta['state']['summary']['val_acc']:.2f}%" in capsys.readouterr().out


def test_a_folder_without_the_extra_exercises_names_the_missing_file_before_any_work(tmp_path, capsys):
    folder = tmp_path / "six"
    folder.mkdir()
    for name in ("conv.py", "pool.py", "relu.py", "linear.py", "softmax_ce.py", "sgd_momentum.py"):
        shutil.copy(layout.solutions_dir() / name, folder / name)
    assert load_impl(str(folder), "cifar10_net").Conv2D  # the plain network needs only the six
    assert main(["train", "cifar10", "--net", "cifar10_bn_net", "--impl", str(folder), "--out", str(tmp_path / "run"),
                 "--no-download", "--no-progress"]) == 2
    assert capsys.readouterr().err == (f"gradkit train: --net cifar10_bn_net needs BatchNorm2D, and --impl {folder} "
                                       "has no batchnorm.py (an extra exercise: only a course that includes batchnorm "
                                       "has it)\n")
    assert not (tmp_path / "run").exists()
    shutil.copy(layout.solutions_dir() / "batchnorm.py", folder / "batchnorm.py")
    with pytest.raises(UserError, match=r"^--net cifar10_bn_net needs AvgPool2D, and --impl .* has no avgpool\.py"):
        load_impl(str(folder), "cifar10_bn_net")


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
    ("--net", "cifar10_bn_net", "gradkit train: --net cifar10_bn_net: mnist trains mnist_net"),
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
