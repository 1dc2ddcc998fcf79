"""A network as a stack of layers: forward, backward, its parameters, its modes and its buffers.

Parameters are what the optimizer trains (each layer's ``params``). Buffers are what a layer learns without
gradients: ``BatchNorm2D``'s ``running_mean`` and ``running_var``, plain attributes the contract names.
A checkpoint must hold both, or a reloaded batch-normalised network predicts with its initial statistics.
Modes: layers with ``train()`` and ``eval()`` (``BatchNorm2D``, ``Dropout``) behave differently in training
and at test time; ``Network.train()`` / ``Network.eval()`` switch all of them at once.
"""

from __future__ import annotations

import numpy as np

BUFFERS = ("running_mean", "running_var")
"""The attributes of a layer that are state but not parameters (BatchNorm2D's running statistics)."""


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


def has_modes(layer) -> bool:
    """True for a layer that behaves differently in training and evaluation (it has ``train`` and ``eval``)."""
    return callable(getattr(layer, "train", None)) and callable(getattr(layer, "eval", None))


class Network:
    """A stack of layers run in order; ``backward`` runs them in reverse.

    ``state()`` / ``load_state()`` give the parameters as a flat dict ``{"<layer index>.<name>": array}``;
    ``buffers()`` / ``load_buffers()`` do the same for the buffers (``"<layer index>.running_mean"``).
    A new network is in training mode.
    """

    def __init__(self, name: str, layers: list, input_shape: tuple[int, ...], classes: int = 10):
        self.name = name
        self.layers = layers
        self.input_shape = input_shape
        self.classes = classes
        self.training = True

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    # --- modes -------------------------------------------------------------------------------------
    def train(self) -> None:
        """Training mode: batch statistics (and running ones updated), dropout on."""
        self.training = True
        for layer in self.layers:
            if has_modes(layer):
                layer.train()

    def eval(self) -> None:
        """Evaluation mode: running statistics, no dropout; a forward then changes no state."""
        self.training = False
        for layer in self.layers:
            if has_modes(layer):
                layer.eval()

    # --- parameters --------------------------------------------------------------------------------
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

    # --- buffers -----------------------------------------------------------------------------------
    def buffers(self) -> dict[str, np.ndarray]:
        """The layers' buffers (the arrays themselves, not copies), e.g. ``{"1.running_mean": (C,) array}``."""
        return {f"{i}.{name}": getattr(layer, name)
                for i, layer in enumerate(self.layers) for name in BUFFERS if hasattr(layer, name)}

    def load_buffers(self, buffers: dict[str, np.ndarray]) -> None:
        """Set each buffer to a copy of ``buffers[name]``, in the dtype the layer keeps it in.

        A copy, not the array itself: two replicas given the same dict must not share (and race on) one array.
        """
        mine = self.buffers()
        if set(mine) != set(buffers):
            raise ValueError(f"buffer names differ: network has {sorted(mine)}, state has {sorted(buffers)}")
        for key, value in buffers.items():
            current = np.asarray(mine[key])
            if current.shape != np.shape(value):
                raise ValueError(f"buffer {key}: network shape {current.shape}, state shape {np.shape(value)}")
            index, name = key.split(".", 1)
            setattr(self.layers[int(index)], name, np.array(value, dtype=current.dtype, copy=True))

    def summary(self) -> str:
        """One line per layer with its output shape for a batch of 1, and the parameter count.

        Runs in evaluation mode, so printing a summary leaves the running statistics as they were.
        """
        was_training = self.training
        self.eval()
        x = np.zeros((1, *self.input_shape), dtype=np.float32)
        lines = [f"{self.name}: input {tuple(x.shape[1:])}"]
        for layer in self.layers:
            x = layer.forward(x)
            count = sum(value.size for value in layer.params.values())
            lines.append(f"  {layer!r:<46} -> {tuple(x.shape[1:])}" + (f"  {count:,} parameters" if count else ""))
        lines.append(f"  total {self.parameter_count():,} parameters")
        if was_training:
            self.train()
        return "\n".join(lines)
