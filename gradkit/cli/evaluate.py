"""gradkit evaluate --checkpoint FILE: accuracy of a trained network on a split (and its figures).

Examples:
  gradkit evaluate --checkpoint runs/mnist/checkpoint.npz
  gradkit evaluate --checkpoint runs/c10/checkpoint.npz --split val --plots runs/c10/eval
"""

from __future__ import annotations

import argparse

import numpy as np

from gradkit.cli.train import load_impl
from gradkit.errors import UserError
from gradkit.train.data import load_splits
from gradkit.train.trainer import TrainConfig, evaluate_loss_accuracy, load_trained


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = __doc__.split("\n", 2)[2]
    parser.add_argument("--checkpoint", required=True, help="a checkpoint.npz written by gradkit train")
    parser.add_argument("--data-dir",
                        help="data directory (default: the one the run used, else $GRADKIT_DATA or data/)")
    parser.add_argument("--split", choices=("test", "val", "train"),
                        help="which split (default: test if the data has one, else val)")
    parser.add_argument("--impl", help="layers to run the network with (default: the ones it was trained with)")
    parser.add_argument("--sample", action="store_true", help="evaluate on the shipped sample")
    parser.add_argument("--no-download", dest="download", action="store_false", help="never download")
    parser.add_argument("--plots", metavar="DIR", help="also write confusion matrix, predictions and filters here")


def run(args) -> int:
    model, meta = load_trained(args.checkpoint, load_impl, args.impl)
    config: TrainConfig = model.config
    data = load_splits(config.dataset, args.data_dir or config.data_dir, val=config.val,
                       sample=args.sample or config.sample, download=args.download, partial=config.partial,
                       verify=config.verify, progress=True)
    for note in data.notes:
        print(f"note: {note}")
    split = args.split or ("test" if data.x_test is not None else "val")
    images, labels = {"test": (data.x_test, data.y_test), "val": (data.x_val, data.y_val),
                      "train": (data.x_train, data.y_train)}[split]
    if images is None:
        raise UserError(f"{data.source} has no test split: use --split val")
    mean, std = meta["normalisation"]["mean"], meta["normalisation"]["std"]
    loss, acc, scores = evaluate_loss_accuracy(model, images, labels, mean, std)
    predictions = scores.argmax(axis=1)
    right = int(np.sum(predictions == labels))
    print(f"{config.dataset} {split}: accuracy {100 * acc:.2f}% ({right:,}/{len(labels):,}), "
          f"loss {loss:.4f}  [{data.source}; layers --impl {args.impl or config.impl}]")
    for k, name in enumerate(data.classes):
        mask = labels == k
        if mask.any():
            print(f"  {name:>11}: {100 * np.mean(predictions[mask] == k):6.2f}%  ({int(mask.sum())} images)")
    if args.plots:
        from gradkit.train.plots import save_all_plots
        history = meta["state"]["history"]
        paths = save_all_plots(args.plots, history, images, labels, scores, data.classes,
                               model.net.layers[0].params["W"], title=f"{config.dataset} {split}")
        print("plots: " + ", ".join(str(p) for p in paths))
    if data.is_sample:
        print("note: evaluated on the SHIPPED SAMPLE, not the full data set")
    return 0
