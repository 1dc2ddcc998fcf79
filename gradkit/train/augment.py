"""Input preparation: normalisation to float32 and CIFAR-10 augmentation (random crop with padding, flip).

Both work on a whole batch at once; the random draws come from the ``rng`` passed in, so a batch's
augmentation is fixed by the seed, epoch and batch index (see ``trainer.batch_rng``).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# Per-channel mean and standard deviation of the training set, on the 0..255 scale.
NORMALISATION = {
    "mnist": ((33.318,), (78.567,)),
    "cifar10": ((125.307, 122.950, 113.865), (62.993, 62.089, 66.705)),
}


def normalise(images: np.ndarray, mean, std) -> np.ndarray:
    """uint8 images (N, C, H, W), or (N, H, W) for one channel, -> float32 (N, C, H, W), (x - mean) / std."""
    if images.ndim == 3:
        images = images[:, None]
    mean = np.asarray(mean, dtype=np.float32).reshape(1, -1, 1, 1)
    scale = (1.0 / np.asarray(std, dtype=np.float32)).reshape(1, -1, 1, 1)
    out = images.astype(np.float32)
    out -= mean
    out *= scale
    return out


def random_crop_flip(x: np.ndarray, rng: np.random.Generator, padding: int = 4) -> np.ndarray:
    """Each image of ``x`` (N, C, H, W): zero-pad by ``padding``, crop an H x W window at a random offset,
    and mirror it left-right with probability 1/2. Returns a new array; zeros are the mean after ``normalise``."""
    N, H, W = x.shape[0], x.shape[2], x.shape[3]
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dy = rng.integers(0, 2 * padding + 1, size=N)
    dx = rng.integers(0, 2 * padding + 1, size=N)
    flip = rng.random(N) < 0.5
    # windows[n, c, i, j] is the H x W crop of image n at offset (i, j); pick one offset per image
    windows = sliding_window_view(padded, (H, W), axis=(2, 3))
    out = windows[np.arange(N), :, dy, dx]  # (N, C, H, W), a copy
    out[flip] = out[flip, :, :, ::-1]
    return out
