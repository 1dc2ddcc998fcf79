"""The six exercises: their names, files and classes (the exercise contract's table)."""

from __future__ import annotations

from typing import NamedTuple


class Exercise(NamedTuple):
    name: str  # also the graded test module: tests/graded/test_<name>.py
    file: str
    cls: str
    title: str


EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in (
        Exercise("conv", "conv.py", "Conv2D", "2-D convolution"),
        Exercise("pool", "pool.py", "MaxPool2D", "max-pooling"),
        Exercise("relu", "relu.py", "ReLU", "ReLU"),
        Exercise("linear", "linear.py", "Linear", "fully connected layer"),
        Exercise("softmax_ce", "softmax_ce.py", "SoftmaxCrossEntropy", "softmax + cross-entropy loss"),
        Exercise("sgd_momentum", "sgd_momentum.py", "SGDMomentum", "SGD with momentum"),
    )
}


def exercise_of_class(cls_name: str) -> Exercise:
    """The exercise whose contract class is `cls_name` (e.g. "Conv2D")."""
    for exercise in EXERCISES.values():
        if exercise.cls == cls_name:
            return exercise
    raise KeyError(cls_name)
