"""Mini-batch training of the standard networks with any implementation's layers.

Modes: every training step runs the network in training mode (batch norm normalises with the batch's
statistics and updates its running ones); validation, test and the prediction plots run it in evaluation
mode (the running statistics; a forward changes nothing), so a prediction never depends on the other images
of its batch and a reloaded checkpoint predicts exactly as the run did.

Reproducibility: everything random is a pure function of the seed and the position in the run.
The weights come from ``default_rng(seed)``; epoch e shuffles with ``default_rng([seed, e])`` (a
permutation, so batches are drawn without replacement); batch b of epoch e augments with
``default_rng([seed, e, b])``. A checkpoint therefore needs no random state: it holds the weights, the
optimizer's velocities, the position (epoch, batch) and the running sums of the epoch, and
``resume`` continues exactly where the checkpoint stopped, to the same final weights as a run that
was never interrupted (same seed, same ``threads``).

``threads=2`` runs each batch as two half-batches in two Python threads (data parallel: a replica of
the network shares the weights, and the two gradients are averaged). NumPy releases the GIL inside
its array operations, so this uses both cores better than a multi-threaded BLAS alone. With batch norm, each
half-batch is normalised with its own statistics (as in multi-GPU training without synchronised batch
norm), and after every step both replicas take the mean of their running statistics, so they evaluate alike.
"""

from __future__ import annotations

import contextlib
import math
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
from tqdm import tqdm

from gradkit.errors import UserError
from gradkit.train.augment import NORMALISATION, normalise, random_crop_flip
from gradkit.train.checkpoint import load_checkpoint, save_checkpoint
from gradkit.train.data import Splits
from gradkit.train.metrics import accuracy, write_metrics
from gradkit.train.models import DEFAULT_NETWORK, NETWORKS, Network, networks_for

EVAL_BATCH = 100


@dataclass
class TrainConfig:
    """Everything that decides the result of a run (saved in every checkpoint)."""

    dataset: str
    net: str | None = None            # the network (NETWORKS); None: the data set's DEFAULT_NETWORK
    impl: str = "solutions"
    epochs: int = 10
    batch_size: int = 64
    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 5e-4
    warmup_epochs: float = 0.5
    schedule: str = "cosine"          # "cosine" (after a linear warm-up) or "constant"
    augment: bool = False             # random crop (padding 4) and horizontal flip, CIFAR-10 style
    val: int = 5000                   # images held out from the end of the training set
    seed: int = 0
    threads: int = 1                  # data-parallel Python threads (1 or 2)
    limit_train: int | None = None    # keep only the first N training images
    data_dir: str | None = None
    sample: bool = False
    partial: bool = False
    verify: bool = True               # check the files against the official checksums

    def __post_init__(self):
        if self.net is None:  # also a checkpoint written before --net existed: its data set's network then
            self.net = DEFAULT_NETWORK.get(self.dataset)

    @classmethod
    def from_dict(cls, values: dict) -> "TrainConfig":
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in names})


def check_config(config: TrainConfig) -> None:
    """Raise ``UserError`` naming the option when a setting cannot train anything."""
    if config.dataset not in DEFAULT_NETWORK:
        raise UserError(f"unknown data set {config.dataset!r}: choose {' or '.join(DEFAULT_NETWORK)}")
    choices = " or ".join(networks_for(config.dataset))
    problems = [
        (config.net not in NETWORKS or NETWORKS[config.net].dataset != config.dataset,
         f"--net {config.net}: {config.dataset} trains {choices}"),
        (config.epochs < 1, f"--epochs {config.epochs}: train for at least 1 epoch"),
        (config.batch_size < 1, f"--batch-size {config.batch_size}: a batch holds at least 1 image"),
        (not (math.isfinite(config.lr) and config.lr > 0), f"--lr {config.lr}: the learning rate must be above 0"),
        (not 0 <= config.momentum < 1, f"--momentum {config.momentum}: choose a value from 0 up to (not including) 1"),
        (not (math.isfinite(config.weight_decay) and config.weight_decay >= 0),
         f"--weight-decay {config.weight_decay}: must be 0 or more"),
        (not (math.isfinite(config.warmup_epochs) and config.warmup_epochs >= 0),
         f"--warmup-epochs {config.warmup_epochs}: must be 0 or more"),
        (config.val < 0, f"--val {config.val}: hold out 0 or more images"),
        (config.limit_train is not None and config.limit_train < 1,
         f"--limit-train {config.limit_train}: keep at least 1 training image"),
    ]
    for bad, message in problems:
        if bad:
            raise UserError(message)


# Defaults per network: what the README's accuracy runs use. cifar10_bn_net's schedule is sized to 30 minutes
# of training with --threads 2 on the README's 2-core machine; batch norm keeps the larger steps stable.
DEFAULTS = {
    "mnist_net": dict(epochs=4, batch_size=64, lr=0.05, weight_decay=5e-4, augment=False, val=5000),
    "cifar10_net": dict(epochs=12, batch_size=64, lr=0.05, weight_decay=5e-4, augment=True, val=5000),
    "cifar10_bn_net": dict(epochs=16, batch_size=128, lr=0.1, weight_decay=5e-4, warmup_epochs=2.0, augment=True,
                           val=5000),
}


def learning_rate(config: TrainConfig, step: int, steps_per_epoch: int) -> float:
    """The learning rate of global step ``step`` (0-based): linear warm-up, then cosine decay to 0."""
    if config.schedule == "constant":
        return config.lr
    warmup = max(1, round(config.warmup_epochs * steps_per_epoch))
    total = config.epochs * steps_per_epoch
    if step < warmup:
        return config.lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return config.lr * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


def epoch_permutation(seed: int, epoch: int, n: int) -> np.ndarray:
    return np.random.default_rng([seed, epoch]).permutation(n)


def batch_rng(seed: int, epoch: int, batch: int) -> np.random.Generator:
    return np.random.default_rng([seed, epoch, batch])


def _labels_fingerprint(labels: np.ndarray) -> int:
    return zlib.crc32(np.ascontiguousarray(labels, dtype=np.int64).tobytes())


def blas_threads_per_worker(threads: int) -> int:
    """BLAS threads for each of the run's ``threads`` training threads, so the run uses ``threads`` cores.

    Left alone, BLAS starts one thread per core in every matrix product: on a machine others share, a
    ``--threads 1`` run then competes with itself (an MNIST epoch measured 6m42s unlimited against 40 s
    limited on 2 loaded cores), and ``--threads 2`` would run four BLAS threads on two cores.
    """
    return 1


@contextlib.contextmanager
def limit_blas(threads: int):
    """Limit BLAS to ``blas_threads_per_worker(threads)`` inside the block (threadpoolctl is a dependency)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(blas_threads_per_worker(threads), user_api="blas"):
        yield


class Model:
    """A network, its loss, its optimizer and (for ``threads=2``) a weight-sharing replica."""

    def __init__(self, impl, config: TrainConfig):
        self.impl = impl
        self.config = config
        build = NETWORKS[config.net].build
        self.net: Network = build(impl, np.random.default_rng(config.seed))
        self.loss = impl.SoftmaxCrossEntropy()
        self.optimizer = impl.SGDMomentum(self.net.layers, lr=config.lr, momentum=config.momentum,
                                          weight_decay=config.weight_decay)
        self.replicas = [(self.net, self.loss)]
        self.pool = None
        if config.threads > 1:
            self._add_replicas(build, config.threads)

    def _add_replicas(self, build, threads: int) -> None:
        for _ in range(threads - 1):
            replica = build(self.impl, np.random.default_rng(0))
            for mine, theirs in zip(self.net.layers, replica.layers):
                for key in mine.params:
                    theirs.params[key] = mine.params[key]  # share the arrays: the optimizer updates both
            self.replicas.append((replica, self.impl.SoftmaxCrossEntropy()))
        probe = np.random.default_rng(1).standard_normal((2, *self.net.input_shape)).astype(np.float32)
        self._set_mode(training=False)  # a training-mode probe would move the running statistics
        if not all(np.array_equal(net.forward(probe), self.net.forward(probe)) for net, _ in self.replicas[1:]):
            raise UserError("--threads 2 needs layers that read their weights from params[...] at each forward; "
                            "these layers keep copies of them: use --threads 1")
        self.pool = ThreadPoolExecutor(len(self.replicas))

    def close(self) -> None:
        if self.pool:
            self.pool.shutdown()

    def _set_mode(self, training: bool) -> None:
        """Training or evaluation mode for every replica (a no-op for networks already in it)."""
        for net, _ in self.replicas:
            if training and not net.training:
                net.train()
            elif not training and net.training:
                net.eval()

    def _average_buffers(self) -> None:
        """Give every replica the mean of the replicas' buffers (each saw its own half-batch)."""
        nets = [net for net, _ in self.replicas]
        mine = nets[0].buffers()
        if mine:
            mean = {key: np.mean([net.buffers()[key] for net in nets], axis=0) for key in mine}
            for net in nets:
                net.load_buffers(mean)

    def _chunks(self, n: int) -> list[slice]:
        k = len(self.replicas)
        bounds = [round(i * n / k) for i in range(k + 1)]
        return [slice(bounds[i], bounds[i + 1]) for i in range(k)]

    def train_step(self, x: np.ndarray, y: np.ndarray, lr: float) -> tuple[float, int]:
        """One SGD step on the batch (x, y), in training mode; returns (mean loss, number of correct predictions)."""
        def run(replica, part):
            net, loss_layer = replica
            scores = net.forward(x[part])
            loss = loss_layer.forward(scores, y[part])
            net.backward(loss_layer.backward())
            return loss, int(np.sum(scores.argmax(axis=1) == y[part]))

        self._set_mode(training=True)
        if self.pool is None:
            loss, correct = run(self.replicas[0], slice(None))
        else:
            parts = self._chunks(len(y))
            results = list(self.pool.map(run, self.replicas, parts))
            weights = [(part.stop - part.start) / len(y) for part in parts]
            loss = sum(w * r[0] for w, r in zip(weights, results))
            correct = sum(r[1] for r in results)
            for i, layer in enumerate(self.net.layers):
                for key in layer.params:
                    layer.grads[key] = sum(w * net.layers[i].grads[key] for w, (net, _) in zip(weights, self.replicas))
            self._average_buffers()
        self.optimizer.lr = lr
        self.optimizer.step()
        return float(loss), correct

    def scores(self, images: np.ndarray, mean, std) -> np.ndarray:
        """Class scores (N, K) float32 for uint8 images, in batches of EVAL_BATCH, in evaluation mode."""
        self._set_mode(training=False)
        out = []
        for start in range(0, len(images), EVAL_BATCH):
            x = normalise(images[start:start + EVAL_BATCH], mean, std)
            if self.pool is None:
                out.append(self.net.forward(x))
            else:
                parts = self._chunks(len(x))
                out.extend(self.pool.map(lambda replica, part: replica[0].forward(x[part]), self.replicas, parts))
        return np.concatenate(out) if out else np.zeros((0, self.net.classes), np.float32)

    def velocities(self) -> dict[str, np.ndarray]:
        return {f"{i}.{key}": value for i, layer_v in enumerate(self.optimizer.velocities)
                for key, value in layer_v.items()}

    def buffers(self) -> dict[str, np.ndarray]:
        return self.net.buffers()

    def load(self, params: dict[str, np.ndarray], velocities: dict[str, np.ndarray],
             buffers: dict[str, np.ndarray]) -> None:
        """Parameters (shared by the replicas), velocities, and every replica's buffers."""
        self.net.load_state(params)
        mine = self.velocities()
        if velocities and set(velocities) == set(mine):
            for key, value in velocities.items():
                mine[key][...] = value
        for net, _ in self.replicas:
            net.load_buffers(buffers)


def evaluate_loss_accuracy(model: Model, images, labels, mean, std) -> tuple[float, float, np.ndarray]:
    """(mean cross-entropy, accuracy, scores) of the model on uint8 images.

    The loss is the model's own loss layer's (the implementation's SoftmaxCrossEntropy): the kit ships
    no softmax of its own, which would hand students the exercise.
    """
    scores = model.scores(images, mean, std).astype(np.float64)
    if not len(labels):
        return float("nan"), float("nan"), scores
    loss = float(model.loss.forward(scores, np.asarray(labels)))
    return loss, accuracy(scores.argmax(axis=1), labels), scores


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}m{seconds % 60:04.1f}s"


@dataclass
class RunState:
    """Where a run is: saved in the checkpoint's meta."""

    epoch: int = 0                  # the current epoch (0-based)
    batch: int = 0                  # the next batch of that epoch
    step: int = 0                   # global number of steps done
    loss_sum: float = 0.0           # running sums over the current epoch's batches so far
    correct: int = 0
    seen: int = 0
    train_seconds: float = 0.0       # wall-clock of the training steps (batches, forward, backward, update)
    cpu_seconds: float = 0.0         # CPU time of the training steps, all threads (robust to a busy machine)
    wall_seconds: float = 0.0        # wall-clock of everything, evaluation and checkpoints included
    history: list = field(default_factory=list)
    finished: bool = False
    summary: dict = field(default_factory=dict)


class Trainer:
    """Trains ``Model(impl, config)`` on ``data``, writing checkpoints, metrics and plots to ``out_dir``."""

    def __init__(self, config: TrainConfig, impl, data: Splits, out_dir: str | Path, *,
                 checkpoint_every: float = 600.0, progress: bool = True, plots: bool = True, log=None):
        if config.threads not in (1, 2):
            raise UserError(f"--threads {config.threads}: choose 1 or 2")
        check_config(config)
        if len(data.x_train) == 0:
            raise UserError("the training split is empty")
        self.config = config
        self.data = data
        self.out_dir = Path(out_dir)
        self.checkpoint_path = self.out_dir / "checkpoint.npz"
        self.checkpoint_every = checkpoint_every
        self.progress = progress
        self.plots = plots
        self.log = log or tqdm.write
        self.mean, self.std = NORMALISATION[config.dataset]
        self.model = Model(impl, config)
        self.state = RunState()
        self.steps_per_epoch = math.ceil(len(data.x_train) / config.batch_size)

    # --- checkpoints -------------------------------------------------------------------------------
    def _data_facts(self) -> dict:
        d = self.data
        return {"n_train": len(d.x_train), "n_val": len(d.x_val), "n_test": 0 if d.x_test is None else len(d.x_test),
                "train_labels_crc32": _labels_fingerprint(d.y_train), "source": d.source, "is_sample": d.is_sample}

    def save(self) -> None:
        meta = {"config": asdict(self.config), "state": asdict(self.state), "data": self._data_facts(),
                "network": self.model.net.name, "classes": list(self.data.classes),
                "normalisation": {"mean": list(self.mean), "std": list(self.std)}}
        save_checkpoint(self.checkpoint_path, self.model.net.state(), self.model.velocities(), meta,
                        self.model.buffers())

    def restore(self) -> None:
        """Continue from ``out_dir/checkpoint.npz`` (written by a run with the same config and data)."""
        checkpoint = load_checkpoint(self.checkpoint_path)
        meta = checkpoint.meta
        saved = TrainConfig.from_dict(meta["config"])
        if saved != self.config:
            raise UserError(f"{self.checkpoint_path} was written with a different configuration; "
                            f"resume with the same options (saved: {asdict(saved)})")
        facts, mine = meta["data"], self._data_facts()
        for key in ("n_train", "n_val", "train_labels_crc32"):
            if facts[key] != mine[key]:
                raise UserError(f"{self.checkpoint_path} was trained on other data ({key}: {facts[key]} "
                                f"in the checkpoint, {mine[key]} now); use the same --data-dir and --val")
        self.model.load(checkpoint.params, checkpoint.velocities, checkpoint.buffers)
        self.state = RunState(**meta["state"])

    # --- training ----------------------------------------------------------------------------------
    def _batch(self, epoch: int, batch: int, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        idx = order[batch * self.config.batch_size:(batch + 1) * self.config.batch_size]
        x = normalise(self.data.x_train[idx], self.mean, self.std)
        if self.config.augment:
            x = random_crop_flip(x, batch_rng(self.config.seed, epoch, batch))
        return x, self.data.y_train[idx]

    def _end_epoch(self, epoch: int) -> None:
        s, d = self.state, self.data
        val_loss, val_acc, _ = evaluate_loss_accuracy(self.model, d.x_val, d.y_val, self.mean, self.std)
        row = {"epoch": epoch + 1, "lr": learning_rate(self.config, s.step - 1, self.steps_per_epoch),
               "train_loss": s.loss_sum / max(1, s.seen), "train_acc": s.correct / max(1, s.seen),
               "val_loss": val_loss, "val_acc": val_acc,
               "train_seconds": round(s.train_seconds, 2), "cpu_seconds": round(s.cpu_seconds, 2),
               "wall_seconds": round(s.wall_seconds, 2)}
        s.history.append(row)
        s.epoch, s.batch, s.loss_sum, s.correct, s.seen = epoch + 1, 0, 0.0, 0, 0
        self.log(f"epoch {epoch + 1}/{self.config.epochs}  lr {row['lr']:.4f}  "
                 f"train loss {row['train_loss']:.4f} acc {100 * row['train_acc']:.2f}%  "
                 f"val loss {val_loss:.4f} acc {100 * val_acc:.2f}%  "
                 f"(training {_minutes(s.train_seconds)}, CPU {_minutes(s.cpu_seconds)}, "
                 f"total {_minutes(s.wall_seconds)})")

    def run(self, *, resume: bool = False, stop_after_steps: int | None = None) -> dict:
        """Train to the end (or continue from the checkpoint); returns the summary. Writes files in out_dir."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        if resume:
            self.restore()
            self.log(f"resuming {self.checkpoint_path} at epoch {self.state.epoch + 1}, "
                     f"batch {self.state.batch}/{self.steps_per_epoch}")
        s, config = self.state, self.config
        last_save = time.perf_counter()
        wall_mark = time.perf_counter()
        try:
            with limit_blas(config.threads):
                while s.epoch < config.epochs:
                    epoch = s.epoch
                    order = epoch_permutation(config.seed, epoch, len(self.data.x_train))
                    bar = tqdm(total=self.steps_per_epoch, initial=s.batch, desc=f"epoch {epoch + 1}/{config.epochs}",
                               unit="batch", disable=not self.progress, leave=False, dynamic_ncols=True)
                    with bar:
                        while s.batch < self.steps_per_epoch:
                            started, cpu_started = time.perf_counter(), time.process_time()
                            x, y = self._batch(epoch, s.batch, order)
                            lr = learning_rate(config, s.step, self.steps_per_epoch)
                            try:
                                loss, correct = self.model.train_step(x, y, lr)
                            except NotImplementedError as error:
                                raise UserError(f"--impl {config.impl} is not complete ({error}); "
                                                "grade it first: gradkit grade") from None
                            if not math.isfinite(loss):
                                raise UserError(f"the loss became {loss} at epoch {epoch + 1}, batch {s.batch}: "
                                                f"try a smaller --lr (now {config.lr}) or check your layers")
                            s.loss_sum += loss * len(y)
                            s.correct += correct
                            s.seen += len(y)
                            s.batch += 1
                            s.step += 1
                            now = time.perf_counter()
                            s.train_seconds += now - started
                            s.cpu_seconds += time.process_time() - cpu_started
                            s.wall_seconds += now - wall_mark
                            wall_mark = now
                            bar.update(1)
                            bar.set_postfix(loss=f"{s.loss_sum / s.seen:.3f}", acc=f"{100 * s.correct / s.seen:.1f}%",
                                            refresh=False)
                            if stop_after_steps is not None and s.step >= stop_after_steps:
                                self.save()
                                return {}
                            if now - last_save >= self.checkpoint_every and s.batch < self.steps_per_epoch:
                                self.save()
                                last_save = time.perf_counter()
                    self._end_epoch(epoch)
                    s.wall_seconds += time.perf_counter() - wall_mark
                    wall_mark = time.perf_counter()
                    self.save()
                    last_save = time.perf_counter()
                    write_metrics(self.out_dir, s.history, self._summary())
                if not s.finished:
                    self._finish()
                    s.wall_seconds += time.perf_counter() - wall_mark
                    s.summary["wall_seconds"] = round(s.wall_seconds, 2)
                    s.finished = True
                    self.save()
                    write_metrics(self.out_dir, s.history, s.summary)
        finally:
            self.model.close()
        return s.summary

    def _summary(self) -> dict:
        s = self.state
        last = s.history[-1] if s.history else {}
        return {"dataset": self.config.dataset, "impl": self.config.impl, "data": self.data.source,
                "epochs_done": s.epoch, "val_acc": last.get("val_acc"), "train_seconds": round(s.train_seconds, 2),
                "cpu_seconds": round(s.cpu_seconds, 2), "wall_seconds": round(s.wall_seconds, 2),
                "config": asdict(self.config)}

    def _finish(self) -> None:
        """Test accuracy (if the data has a test split), plots, and the final summary."""
        s, d = self.state, self.data
        summary = self._summary()
        if d.x_test is not None:
            split, images, labels = "test", d.x_test, d.y_test
        else:
            split, images, labels = "val", d.x_val, d.y_val
        loss, acc, scores = evaluate_loss_accuracy(self.model, images, labels, self.mean, self.std)
        summary.update({f"{split}_loss": loss, f"{split}_acc": acc, "reported_split": split})
        self.log(f"{split} accuracy {100 * acc:.2f}% on {len(labels):,} images after "
                 f"{_minutes(s.train_seconds)} of training (CPU {_minutes(s.cpu_seconds)}, "
                 f"{_minutes(s.wall_seconds)} in all)")
        if self.plots and len(labels):
            from gradkit.train.plots import save_all_plots
            paths = save_all_plots(self.out_dir / "plots", s.history, images, labels, scores, d.classes,
                                   self.model.net.layers[0].params["W"], title=f"{self.config.dataset} {split}")
            self.log(f"plots: {', '.join(str(p) for p in paths)}")
        s.summary = summary


def load_trained(checkpoint: str | Path, impl_loader, impl: str | None = None) -> tuple[Model, dict]:
    """The model stored in a checkpoint, built from ``impl`` (default: the one it was trained with).

    ``impl_loader(spec, net)`` returns the implementation (``gradkit.cli.train.load_impl``).
    """
    stored = load_checkpoint(checkpoint)
    config = TrainConfig.from_dict(stored.meta["config"])
    config.threads = 1
    model = Model(impl_loader(impl or config.impl, config.net), config)
    model.load(stored.params, stored.velocities, stored.buffers)
    return model, stored.meta
