"""Accuracy, confusion matrix and the per-epoch metrics files (``metrics.csv`` and ``metrics.json``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

from gradkit.train.checkpoint import atomic_write_text

COLUMNS = ("epoch", "lr", "train_loss", "train_acc", "val_loss", "val_acc", "train_seconds", "cpu_seconds",
           "wall_seconds")


def accuracy(predictions: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(predictions == labels)) if len(labels) else float("nan")


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, classes: int) -> np.ndarray:
    """``cm[t, p]`` = how many images of true class t were predicted as p."""
    return np.bincount(labels * classes + predictions, minlength=classes * classes).reshape(classes, classes)


def write_metrics(out_dir: str | Path, history: list[dict], summary: dict) -> None:
    """Write ``metrics.csv`` (one row per epoch) and ``metrics.json`` (history and summary), atomically."""
    out_dir = Path(out_dir)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in history:
        writer.writerow({key: (f"{value:.6g}" if isinstance(value, float) else value) for key, value in row.items()})
    atomic_write_text(out_dir / "metrics.csv", buffer.getvalue())
    atomic_write_text(out_dir / "metrics.json", json.dumps({"summary": summary, "epochs": history}, indent=2) + "\n")
