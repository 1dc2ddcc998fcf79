"""gradkit train mnist|cifar10: train the standard network with the reference or your own layers.

Examples:
  gradkit train mnist                              # reference layers; the full data, else the shipped sample
  gradkit train mnist --impl exercises             # your layers (same seed -> comparable curves)
  gradkit train cifar10 --threads 2 --out runs/c10 # both cores
  gradkit train cifar10 --out runs/c10 --resume    # continue after an interruption, same final result
  gradkit train cifar10 --net cifar10_bn_net --threads 2   # with batch norm (needs batchnorm.py, avgpool.py)
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict
from pathlib import Path

from gradkit.errors import UserError
from gradkit.train.data import DATASETS, load_splits
from gradkit.train.models import DEFAULT_NETWORK, NETWORKS
from gradkit.train.trainer import DEFAULTS, TrainConfig, Trainer, check_config
from gradkit.train.checkpoint import load_checkpoint

RUN_CLASSES = ("SoftmaxCrossEntropy", "SGDMomentum")
"""What every run needs besides the network's layers: the loss and the optimizer."""


def missing_class(spec: str, impl, net: str, cls: str, error: Exception) -> str:
    """One line saying that ``--net net`` needs class ``cls``, which implementation ``impl`` cannot give."""
    from gradkit.checker.specs import DEFAULT_COURSE, EXERCISES

    exercise = next(e for e in EXERCISES.values() if e.cls == cls)
    if os.path.lexists(impl.folder / exercise.file):  # there, but it does not import or lacks the class
        return f"--net {net} needs {cls}: {error}"
    extra = "" if exercise.name in DEFAULT_COURSE else \
        f" (an extra exercise: only a course that includes {exercise.name} has it)"
    return f"--net {net} needs {cls}, and --impl {spec} has no {exercise.file}{extra}"


def load_impl(spec: str, net: str | None = None):
    """The implementation's classes for ``--impl`` (the same selection as grading).

    Checks that it has every class ``net`` is built from (default: the six of the original assignment), and
    says in one line which file is missing if not: a workspace whose course did not include batch norm can
    train ``cifar10_net`` but not ``cifar10_bn_net``.
    """
    from gradkit.checker.impl import load_implementation
    from gradkit.checker.results import CheckFailure

    try:
        impl = load_implementation(spec)
    except CheckFailure as error:
        raise UserError(str(error)) from None
    layers = NETWORKS[net].layers if net else ("Conv2D", "MaxPool2D", "ReLU", "Linear")
    for cls in (*layers, *RUN_CLASSES):
        try:
            getattr(impl, cls)
        except CheckFailure as error:
            raise UserError(missing_class(spec, impl, net, cls, error) if net else str(error)) from None
    return impl


def default_impl() -> str:
    """The reference where it ships (the kit's source), else the student's workspace."""
    from gradkit import layout, workspace

    return "solutions" if layout.solutions_dir() is not None else workspace.default_impl()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = __doc__.split("\n", 2)[2]
    parser.add_argument("dataset", choices=DATASETS)
    parser.add_argument("--net", choices=sorted(NETWORKS),
                        help="which network (default: " + ", ".join(f"{net} for {dataset}" for dataset, net in
                                                                    DEFAULT_NETWORK.items()) +
                             "); cifar10_bn_net adds batch norm and a global average pool and has its own "
                             "default schedule (it needs batchnorm.py and avgpool.py)")
    parser.add_argument("--impl", metavar="IMPL",
                        help="whose layers: exercises, solutions or a folder holding your exercise files "
                             "(default: solutions where the reference ships, else exercises)")
    parser.add_argument("--data-dir", help="data directory (default: $GRADKIT_DATA, else the project's data/)")
    parser.add_argument("--out", help="output folder for checkpoint, metrics and plots (default: runs/<dataset>)")
    parser.add_argument("--resume", action="store_true",
                        help="continue from <out>/checkpoint.npz with its saved options")
    for name, kind, help_text in (
        ("epochs", int, "number of epochs"), ("batch-size", int, "mini-batch size"),
        ("lr", float, "peak learning rate"), ("momentum", float, "SGD momentum"),
        ("weight-decay", float, "L2 weight decay"), ("warmup-epochs", float, "linear warm-up length, in epochs"),
        ("val", int, "images held out from the end of the training set for validation"),
        ("seed", int, "seed of every random choice (weights, shuffling, augmentation)"),
    ):
        parser.add_argument(f"--{name}", type=kind, help=f"{help_text} (default: per network)")
    parser.add_argument("--schedule", choices=("cosine", "constant"), help="learning-rate schedule (default cosine)")
    parser.add_argument("--augment", action=argparse.BooleanOptionalAction,
                        help="random crop with padding 4 and horizontal flip (default: on for cifar10)")
    parser.add_argument("--threads", type=int, choices=(1, 2), default=1,
                        help="data-parallel threads; 2 uses both cores (default 1)")
    parser.add_argument("--limit-train", type=int, help="train on the first N training images only")
    parser.add_argument("--sample", action="store_true", help="use the shipped sample even if the full data is there")
    parser.add_argument("--no-download", dest="download", action="store_false", help="never download")
    parser.add_argument("--no-verify", dest="verify", action="store_false",
                        help="skip the official checksums (your own files in the official formats, e.g. Fashion-MNIST)")
    parser.add_argument("--allow-partial", action="store_true",
                        help="CIFAR-10: accept a folder with only some training batches and no test batch")
    parser.add_argument("--checkpoint-every", type=float, default=600.0, metavar="SECONDS",
                        help="also checkpoint within an epoch at this interval (default 600; 0 = every batch)")
    parser.add_argument("--no-plots", dest="plots", action="store_false", help="skip the PNG figures")
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")


def config_from_args(args) -> TrainConfig:
    net = args.net or DEFAULT_NETWORK[args.dataset]
    values = dict(DEFAULTS[net])
    for key in ("epochs", "batch_size", "lr", "momentum", "weight_decay", "warmup_epochs", "val", "seed",
                "schedule", "augment", "limit_train"):
        if getattr(args, key) is not None:
            values[key] = getattr(args, key)
    return TrainConfig(dataset=args.dataset, net=net, impl=args.impl or default_impl(), threads=args.threads,
                       data_dir=args.data_dir,
                       sample=args.sample, partial=args.allow_partial, verify=args.verify, **values)


def run(args) -> int:
    out = Path(args.out or Path("runs") / args.dataset)
    if args.resume:
        config = TrainConfig.from_dict(load_checkpoint(out / "checkpoint.npz").meta["config"])
        if config.dataset != args.dataset:
            raise UserError(f"{out / 'checkpoint.npz'} is a {config.dataset} run, not {args.dataset}")
        print(f"resuming with the saved options: {json.dumps(asdict(config))}")
    else:
        config = config_from_args(args)
        check_config(config)  # before any data is loaded or downloaded
        if (out / "checkpoint.npz").exists():
            raise UserError(f"{out} already holds a run: add --resume to continue it, or choose another --out")
    impl = load_impl(config.impl, config.net)  # a missing exercise file is named before any data is loaded
    data = load_splits(config.dataset, config.data_dir, val=config.val, sample=config.sample,
                       download=args.download, partial=config.partial, verify=config.verify,
                       limit_train=config.limit_train, progress=args.progress)
    for note in data.notes:
        print(f"note: {note}")
    print(f"data: {data.source}")
    split_test = "no test split" if data.x_test is None else f"test {len(data.x_test):,}"
    print(f"images: train {len(data.x_train):,}, validation {len(data.x_val):,}, {split_test}")
    try:
        trainer = Trainer(config, impl, data, out, checkpoint_every=args.checkpoint_every,
                          progress=args.progress, plots=args.plots, log=print if not args.progress else None)
        if not args.resume:
            print(trainer.model.net.summary())
            print(f"layers: --impl {config.impl}; {config.epochs} epochs of {trainer.steps_per_epoch} batches of "
                  f"{config.batch_size}, lr {config.lr} ({config.schedule}), threads {config.threads}, "
                  f"seed {config.seed}")
        summary = trainer.run(resume=args.resume)
    except NotImplementedError as error:
        raise UserError(f"--impl {config.impl} is not complete yet ({error}); "
                        "`gradkit grade` shows what is missing") from None
    print(f"checkpoint: {trainer.checkpoint_path}   metrics: {out / 'metrics.csv'}")
    if data.is_sample:
        print("note: trained on the SHIPPED SAMPLE, not the full data set; accuracy is not comparable")
    return 0 if summary else 1
