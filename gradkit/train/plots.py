"""PNG figures of a training run (matplotlib, Agg backend): curves, confusion matrix, predictions, filters."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402

from gradkit.train.metrics import confusion_matrix  # noqa: E402


def _save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def plot_curves(history: list[dict], path: str | Path) -> Path:
    """Loss and accuracy per epoch, training (augmented batches, running mean) against validation."""
    epochs = [row["epoch"] for row in history]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))
    for key, label, style in (("train", "training (running)", "o-"), ("val", "validation", "s-")):
        ax_loss.plot(epochs, [row[f"{key}_loss"] for row in history], style, label=label)
        ax_acc.plot(epochs, [100 * row[f"{key}_acc"] for row in history], style, label=label)
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    if history:
        best = max(history, key=lambda row: row["val_acc"])
        ax_acc.annotate(f"{100 * best['val_acc']:.2f}%", (best["epoch"], 100 * best["val_acc"]),
                        textcoords="offset points", xytext=(0, -14), ha="center")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
        ax.xaxis.get_major_locator().set_params(integer=True)
    return _save(fig, Path(path))


def plot_confusion(labels: np.ndarray, predictions: np.ndarray, classes, path: str | Path, title: str = "") -> Path:
    """Confusion matrix: rows are true classes, columns predictions; colour = fraction of the row."""
    k = len(classes)
    counts = confusion_matrix(labels, predictions, k)
    fractions = counts / np.maximum(1, counts.sum(axis=1, keepdims=True))
    fig, ax = plt.subplots(figsize=(0.62 * k + 2.5, 0.62 * k + 1.8))
    image = ax.imshow(fractions, cmap="Blues", vmin=0, vmax=1)
    for t in range(k):
        for p in range(k):
            if counts[t, p]:
                ax.text(p, t, str(counts[t, p]), ha="center", va="center", fontsize=8,
                        color="white" if fractions[t, p] > 0.5 else "black")
    ax.set_xticks(range(k), classes, rotation=45, ha="right")
    ax.set_yticks(range(k), classes)
    ax.set(xlabel="predicted", ylabel="true",
           title=f"{title}  accuracy {100 * np.trace(counts) / max(1, counts.sum()):.2f}%".strip())
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="fraction of the true class")
    return _save(fig, Path(path))


def _as_image(image: np.ndarray) -> tuple[np.ndarray, str | None]:
    """(H, W) grey or (H, W, 3) RGB for imshow, from (H, W), (1, H, W) or (3, H, W)."""
    if image.ndim == 3 and image.shape[0] == 3:
        return image.transpose(1, 2, 0), None
    return image.reshape(image.shape[-2:]), "gray"


def plot_predictions(images: np.ndarray, labels: np.ndarray, scores: np.ndarray, classes, path: str | Path,
                     per_row: int = 8) -> Path:
    """Two rows of right and two rows of wrong predictions (the most confident ones), with class names.

    Confidence is the margin of the top score over the runner-up (no softmax here: that is an exercise).
    """
    predictions = scores.argmax(axis=1)
    top_two = np.sort(scores, axis=1)[:, -2:]
    confidence = top_two[:, 1] - top_two[:, 0]
    right = np.flatnonzero(predictions == labels)
    wrong = np.flatnonzero(predictions != labels)
    # spread the right ones over the classes; show the most confident mistakes
    right = right[np.argsort(labels[right], kind="stable")][:: max(1, len(right) // (2 * per_row))][: 2 * per_row]
    wrong = wrong[np.argsort(-confidence[wrong], kind="stable")][: 2 * per_row]
    fig, axes = plt.subplots(4, per_row, figsize=(1.45 * per_row, 7.2))
    for row in range(4):
        chosen = right if row < 2 else wrong
        for col in range(per_row):
            ax = axes[row, col]
            ax.axis("off")
            k = (row % 2) * per_row + col
            if k >= len(chosen):
                continue
            i = chosen[k]
            picture, cmap = _as_image(images[i])
            ax.imshow(picture, cmap=cmap, interpolation="nearest")
            ok = predictions[i] == labels[i]
            text = (f"{classes[predictions[i]]}" if ok else
                    f"{classes[predictions[i]]}\n(true: {classes[labels[i]]})")
            ax.set_title(text, fontsize=7.5, color="green" if ok else "red")
    fig.suptitle("right (top two rows) and most confident wrong predictions (bottom two rows)", fontsize=10)
    return _save(fig, Path(path))


def plot_filters(W: np.ndarray, path: str | Path) -> Path:
    """First-layer filters W (F, C, KH, KW), each scaled to its own range; RGB if C == 3, else grey."""
    F = W.shape[0]
    cols = min(8, F)
    rows = int(np.ceil(F / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.1 * cols, 1.1 * rows + 0.5), squeeze=False)
    for f, ax in enumerate(axes.flat):
        ax.axis("off")
        if f >= F:
            continue
        w = W[f]
        w = (w - w.min()) / max(1e-12, float(w.max() - w.min()))
        picture, cmap = _as_image(w)
        ax.imshow(picture, cmap=cmap, interpolation="nearest", vmin=0, vmax=1)
    fig.suptitle(f"first-layer filters {tuple(W.shape)}, each scaled to [min, max]", fontsize=9)
    return _save(fig, Path(path))


def save_all_plots(folder: str | Path, history, images, labels, scores, classes, first_W,
                   title: str = "") -> list[Path]:
    """The four figures of a run in ``folder``; returns their paths."""
    folder = Path(folder)
    paths = []
    if history:
        paths.append(plot_curves(history, folder / "curves.png"))
    predictions = scores.argmax(axis=1)
    paths.append(plot_confusion(labels, predictions, classes, folder / "confusion.png", title=title))
    paths.append(plot_predictions(images, labels, scores, classes, folder / "predictions.png"))
    paths.append(plot_filters(first_W, folder / "filters.png"))
    return paths
