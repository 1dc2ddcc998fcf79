"""The two standard networks, built from any implementation's layers plus the provided glue (``Flatten``).

``impl`` is what ``gradkit.checker.impl.load_implementation("exercises" | "solutions" | PATH)`` returns: an object
with the classes ``Conv2D``, ``MaxPool2D``, ``ReLU``, ``Linear`` as attributes. Every weight is
re-initialised here from ``rng`` (He: N(0, 2 / fan_in), biases 0) and stored as float32, so the same
seed starts your layers and the reference from the same point and their training curves can be compared.

MNIST net (``mnist_net``), input (N, 1, 28, 28), 206,922 parameters, 2.4 MFLOP per image forward::

    conv 3x3, 1->16, pad 1   (N, 16, 28, 28)    ReLU
    max-pool 2x2             (N, 16, 14, 14)
    conv 3x3, 16->32, pad 1  (N, 32, 14, 14)    ReLU
    max-pool 2x2             (N, 32, 7, 7)
    flatten                  (N, 1568)
    linear 1568->128         (N, 128)           ReLU
    linear 128->10           (N, 10)            scores for softmax cross-entropy

CIFAR-10 net (``cifar10_net``), input (N, 3, 32, 32), 1,116,970 parameters, 51 MFLOP per image forward::

    conv 3x3, 3->32, pad 1   (N, 32, 32, 32)    ReLU
    conv 3x3, 32->32, pad 1  (N, 32, 32, 32)    ReLU
    max-pool 2x2             (N, 32, 16, 16)
    conv 3x3, 32->64, pad 1  (N, 64, 16, 16)    ReLU
    conv 3x3, 64->64, pad 1  (N, 64, 16, 16)    ReLU
    max-pool 2x2             (N, 64, 8, 8)
    flatten                  (N, 4096)
    linear 4096->256         (N, 256)           ReLU
    linear 256->10           (N, 10)
"""

from __future__ import annotations

import numpy as np


class Flatten:
    """Glue: (N, C, H, W) -> (N, C*H*W) and back. Not an exercise."""

    def __init__(self):
        self.params = {}
        self.grads = {}

    def __repr__(self):
        return "Flatten()"

    def forward(self, x):
        self.shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout):
        return dout.reshape(self.shape)


class Network:
    """A stack of layers run in order; ``backward`` runs them in reverse.

    ``state()`` / ``load_state()`` give the parameters as a flat dict ``{"<layer index>.<name>": array}``.
    """

    def __init__(self, name: str, layers: list, input_shape: tuple[int, ...], classes: int = 10):
        self.name = name
        self.layers = layers
        self.input_shape = input_shape
        self.classes = classes

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def state(self) -> dict[str, np.ndarray]:
        return {f"{i}.{key}": value for i, layer in enumerate(self.layers) for key, value in layer.params.items()}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        """Copy ``state`` into the parameters in place (the optimizer keeps references to them)."""
        mine = self.state()
        if set(mine) != set(state):
            raise ValueError(f"parameter names differ: network has {sorted(mine)}, state has {sorted(state)}")
        for key, value in state.items():
            if mine[key].shape != value.shape:
                raise ValueError(f"parameter {key}: network shape {mine[key].shape}, state shape {value.shape}")
            mine[key][...] = value

    def grads(self) -> dict[str, np.ndarray]:
        return {f"{i}.{key}": layer.grads[key] for i, layer in enumerate(self.layers) for key in layer.params}

    def parameter_count(self) -> int:
        return sum(value.size for value in self.state().values())

    def summary(self) -> str:
        """One line per layer with its output shape for a batch of 1, and the parameter count."""
        x = np.zeros((1, *self.input_shape), dtype=np.float32)
        lines = [f"{self.name}: input {tuple(x.shape[1:])}"]
        for layer in self.layers:
            x = layer.forward(x)
            count = sum(value.size for value in layer.params.values())
            lines.append(f"  {layer!r:<46} -> {tuple(x.shape[1:])}" + (f"  {count:,} parameters" if count else ""))
        lines.append(f"  total {self.parameter_count():,} parameters")
        return "\n".join(lines)


def he_init(layer, rng: np.random.Generator) -> None:
    """Set ``W`` in place to N(0, 2 / fan_in) draws (fan_in = all axes of W but the output one) and ``b`` to 0."""
    W = layer.params["W"]
    fan_in = W.size // (W.shape[0] if W.ndim == 4 else W.shape[1])  # Conv2D (F, C, KH, KW); Linear (in, out)
    W[...] = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=W.shape)
    layer.params["b"][...] = 0.0


def _initialised(layers: list, rng: np.random.Generator) -> list:
    """He-initialise every layer with weights, then store all parameters and gradients as float32.

    Training runs in float32 throughout: the layers then never cast their weights, and the optimizer's
    velocities (made with ``zeros_like``) are float32 too. Gradient checks keep float64.
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


ARCHITECTURES = {"mnist": mnist_net, "cifar10": cifar10_net}
