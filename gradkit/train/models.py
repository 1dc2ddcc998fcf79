"""The standard networks, built from any implementation's layers plus the provided glue (``Flatten``).

``impl`` is what ``gradkit.checker.impl.load_implementation("exercises" | "solutions" | PATH)`` returns: an object
with the exercises' classes (``Conv2D``, ``MaxPool2D``, ...) as attributes; ``NETWORKS`` says which ones each
network is built from. Every weight is re-initialised here from ``rng`` (He: N(0, 2 / fan_in), biases 0) and
stored as float32, so the same seed starts your layers and the reference from the same point and their
training curves can be compared.

MNIST net (``mnist_net``), input (N, 1, 28, 28), 206,922 parameters, 2.4 MFLOP per image forward::

    conv 3x3, 1->16, pad 1   (N, 16, 28, 28)    ReLU
    max-pool 2x2             (N, 16, 14, 14)
    conv 3x3, 16->32, pad 1  (N, 32, 14, 14)    ReLU
    max-pool 2x2             (N, 32, 7, 7)
    flatten                  (N, 1568)
    linear 1568->128         (N, 128)           ReLU
    linear 128->10           (N, 10)            scores for softmax cross-entropy

CIFAR-10 net (``cifar10_net``, the default), input (N, 3, 32, 32), 1,116,970 parameters, 51 MFLOP per image
forward::

    conv 3x3, 3->32, pad 1   (N, 32, 32, 32)    ReLU
    conv 3x3, 32->32, pad 1  (N, 32, 32, 32)    ReLU
    max-pool 2x2             (N, 32, 16, 16)
    conv 3x3, 32->64, pad 1  (N, 64, 16, 16)    ReLU
    conv 3x3, 64->64, pad 1  (N, 64, 16, 16)    ReLU
    max-pool 2x2             (N, 64, 8, 8)
    flatten                  (N, 4096)
    linear 4096->256         (N, 256)           ReLU
    linear 256->10           (N, 10)

Batch-normalised CIFAR-10 net (``cifar10_bn_net``, ``--net cifar10_bn_net``), input (N, 3, 32, 32), 289,194
parameters, 77 MFLOP per image forward (the convolutions; batch norm, ReLU and pooling add under 1 MFLOP)::

    conv 3x3, 3->32, pad 1    (N, 32, 32, 32)   BatchNorm, ReLU
    conv 3x3, 32->32, pad 1   (N, 32, 32, 32)   BatchNorm, ReLU
    max-pool 2x2              (N, 32, 16, 16)
    conv 3x3, 32->64, pad 1   (N, 64, 16, 16)   BatchNorm, ReLU
    conv 3x3, 64->64, pad 1   (N, 64, 16, 16)   BatchNorm, ReLU
    max-pool 2x2              (N, 64, 8, 8)
    conv 3x3, 64->128, pad 1  (N, 128, 8, 8)    BatchNorm, ReLU
    conv 3x3, 128->128, pad 1 (N, 128, 8, 8)    BatchNorm, ReLU
    max-pool 2x2              (N, 128, 4, 4)
    global average pool       (N, 128)
    linear 128->10            (N, 10)

Three blocks of two convolutions, each block's channels doubled where the image is halved, so every block
costs about the same (its second convolution is 9.4 M multiply-adds). Batch norm is what lets this deeper
stack train in a short schedule (16 epochs at lr 0.1, ``trainer.DEFAULTS``); the global average pool
replaces the plain net's 4096->256 linear layer (1M parameters), so the classifier is 1,290 parameters.
A training step costs about 1.8 times the plain net's per image (measured: the convolutions, and batch
norm's passes over the 32x32 maps).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from gradkit.train.network import Flatten, Network


def he_init(layer, rng: np.random.Generator) -> None:
    """Set ``W`` in place to N(0, 2 / fan_in) draws (fan_in = all axes of W but the output one) and ``b`` to 0."""
    W = layer.params["W"]
    fan_in = W.size // (W.shape[0] if W.ndim == 4 else W.shape[1])  # Conv2D (F, C, KH, KW); Linear (in, out)
    W[...] = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=W.shape)
    layer.params["b"][...] = 0.0


def _initialised(layers: list, rng: np.random.Generator) -> list:
    """He-initialise every layer with weights, then store all parameters and gradients as float32.

    Training runs in float32 throughout: the layers then never cast their weights, and the optimizer's
    velocities (made with ``zeros_like``) are float32 too. Gradient checks keep float64. BatchNorm2D's running
    statistics stay float64 (the contract's dtype, and they are not parameters): the layer casts them to the
    input's dtype, so its output is float32 all the same.
    """
    for layer in layers:
        if "W" in layer.params:
            he_init(layer, rng)
        for key in layer.params:
            layer.params[key] = layer.params[key].astype(np.float32)
            layer.grads[key] = np.zeros_like(layer.params[key])
    return layers


def mnist_net(impl, rng: np.random.Generator) -> Network:
    """The standard MNIST network (shapes in the module docstring)."""
    layers = [
        impl.Conv2D(1, 16, 3, padding=1, rng=rng), impl.ReLU(), impl.MaxPool2D(2),
        impl.Conv2D(16, 32, 3, padding=1, rng=rng), impl.ReLU(), impl.MaxPool2D(2),
        Flatten(),
        impl.Linear(32 * 7 * 7, 128, rng=rng), impl.ReLU(),
        impl.Linear(128, 10, rng=rng),
    ]
    return Network("mnist_net", _initialised(layers, rng), (1, 28, 28))


def cifar10_net(impl, rng: np.random.Generator) -> Network:
    """The standard CIFAR-10 network (shapes in the module docstring)."""
    layers = [
        impl.Conv2D(3, 32, 3, padding=1, rng=rng), impl.ReLU(),
        impl.Conv2D(32, 32, 3, padding=1, rng=rng), impl.ReLU(), impl.MaxPool2D(2),
        impl.Conv2D(32, 64, 3, padding=1, rng=rng), impl.ReLU(),
        impl.Conv2D(64, 64, 3, padding=1, rng=rng), impl.ReLU(), impl.MaxPool2D(2),
        Flatten(),
        impl.Linear(64 * 8 * 8, 256, rng=rng), impl.ReLU(),
        impl.Linear(256, 10, rng=rng),
    ]
    return Network("cifar10_net", _initialised(layers, rng), (3, 32, 32))


def _conv_bn_relu(impl, in_channels: int, out_channels: int, rng: np.random.Generator) -> list:
    """conv 3x3 (pad 1, same size), batch norm, ReLU: (N, in_channels, H, W) -> (N, out_channels, H, W).

    The convolution keeps its bias (the exercise's constructor makes one) although batch norm cancels it:
    its gradient is then zero and it stays 0, so it costs nothing but (out_channels,) parameters.
    """
    return [impl.Conv2D(in_channels, out_channels, 3, padding=1, rng=rng), impl.BatchNorm2D(out_channels),
            impl.ReLU()]


def cifar10_bn_net(impl, rng: np.random.Generator) -> Network:
    """The batch-normalised CIFAR-10 network (shapes in the module docstring)."""
    layers = [
        *_conv_bn_relu(impl, 3, 32, rng), *_conv_bn_relu(impl, 32, 32, rng), impl.MaxPool2D(2),
        *_conv_bn_relu(impl, 32, 64, rng), *_conv_bn_relu(impl, 64, 64, rng), impl.MaxPool2D(2),
        *_conv_bn_relu(impl, 64, 128, rng), *_conv_bn_relu(impl, 128, 128, rng), impl.MaxPool2D(2),
        impl.AvgPool2D(global_pool=True),
        impl.Linear(128, 10, rng=rng),
    ]
    return Network("cifar10_bn_net", _initialised(layers, rng), (3, 32, 32))


class Architecture(NamedTuple):
    """A network: its builder, its data set, and the exercise classes it is built from."""

    build: Callable[..., Network]
    dataset: str
    layers: tuple[str, ...]  # besides the loss and the optimizer, which every run needs


NETWORKS: dict[str, Architecture] = {
    "mnist_net": Architecture(mnist_net, "mnist", ("Conv2D", "ReLU", "MaxPool2D", "Linear")),
    "cifar10_net": Architecture(cifar10_net, "cifar10", ("Conv2D", "ReLU", "MaxPool2D", "Linear")),
    "cifar10_bn_net": Architecture(cifar10_bn_net, "cifar10",
                                   ("Conv2D", "BatchNorm2D", "ReLU", "MaxPool2D", "AvgPool2D", "Linear")),
}

DEFAULT_NETWORK = {"mnist": "mnist_net", "cifar10": "cifar10_net"}
"""The network ``gradkit train DATASET`` trains without ``--net``."""


def networks_for(dataset: str) -> list[str]:
    """The names of the networks that take ``dataset``'s images, the default first."""
    return sorted((name for name, arch in NETWORKS.items() if arch.dataset == dataset),
                  key=lambda name: name != DEFAULT_NETWORK.get(dataset))
