"""The exercises the kit grades: one registry (names, files, classes, titles, order) and one spec module each.

`checker/specs/<name>.py` holds everything the kit knows about exercise <name>, so the engine (setups, gradient
checks, diagnosis, stored examples, fingerprints, plots) never names an exercise. A spec module defines:

* `Case`: the NamedTuple a check runs on (`str(case)` is the "smallest failing case"), with the class attribute
  `exercise` naming its spec, and a hypothesis strategy `cases()` drawing whole valid cases;
* for a layer: `PARAMS` (the parameter keys), `build(impl, case, rng)` (the constructor call),
  `make_input(case, rng)` and optionally `param_shapes(case)` (the contract's shape of each parameter); for
  diagnosis, optionally `variants(case)` (counterfactual cases, one feature removed), `valid(case)`,
  `squares(case)`, `window(case, position)` (the input cells of one output, for the probe), `probe_hint(yours,
  expected)`, `probe_landing_hint(mine, expected)`, `dx_hint(dx, dout, x)`, `dx_param_hint(dx, dout, x, params)`,
  `dx_against_true_hint(impl, case, dx, dout, x, expected)` (expected: the numerical dx), `scale_hint(case, tensor,
  ratio)`, `zeros_hint(impl, case)` (a gradient all zeros on `case`, read on an input the spec builds),
  `param_grad_hint(tensor, grad, dout, x)`,
  `forward_hint(impl, config, example)`, `COUNTERFACTUAL_HINTS` ({(feature, tensor): Hint}, worded for one tensor),
  `refine_counterfactual(case, feature, tensor, passes)` (one feature removed fixes it) and
  `combined_counterfactual(case, features, tensor, passes)` (each of several does; `passes(other_case)` asks);
* stored examples: `CONFIG_FIELDS`, `build_from_config(impl, config)`, `formula(config, x_shape)`, and optionally
  `stores_gradients(config)` (False: the example holds the output only, for a mode whose backward is not graded);
* `SMOOTH = True` for a layer without kinks or ties (gradient checks then keep every example);
* `RANDOM = True` for a layer whose forward draws random numbers (the generic check comparing two forwards, memory
  order, leaves it out);
* for a layer, optionally `another_size(case)` (the case on another input size, for a second call of one layer);
* `PLOT_CASE` and `enlarged(case)` (the `--plot` picture), `PROBE_CASES` (known-bug fingerprints), and, for an
  exercise that is not a layer, `tensors(impl, case)` and `gradients(impl, case)`.

Specs import only the engine's leaves (inputs, guard, contract, hints, results, construction); the engine reads
them through `spec(name)` and `spec_of(case)`. The registry itself imports no spec module, so nothing here can
close an import cycle. `EXERCISES` is every exercise the kit knows; which of them an assignment has, in what order
and for how many points, is its course (`checker/course.py`): `DEFAULT_COURSE` unless a course file says otherwise.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import NamedTuple


class Exercise(NamedTuple):
    name: str  # also the spec module (checker/specs/<name>.py) and the graded test module tests/graded/test_<name>.py
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
        Exercise("avgpool", "avgpool.py", "AvgPool2D", "average pooling"),
        Exercise("dropout", "dropout.py", "Dropout", "inverted dropout"),
        Exercise("batchnorm", "batchnorm.py", "BatchNorm2D", "spatial batch normalisation"),
        Exercise("adam", "adam.py", "Adam", "the Adam optimizer"),
    )
}

# The six exercises of the original assignment, in its order: the course when no course file chooses others.
DEFAULT_COURSE: tuple[str, ...] = ("conv", "pool", "relu", "linear", "softmax_ce", "sgd_momentum")


def spec(name: str) -> ModuleType:
    """The spec module of exercise `name` (checker/specs/<name>.py)."""
    if name not in EXERCISES:
        raise KeyError(f"unknown exercise {name!r}")
    return importlib.import_module(f"{__name__}.{name}")


def spec_of(case: object) -> ModuleType:
    """The spec module whose `Case` type `case` is."""
    return spec(type(case).exercise)


def exercise_of_case(case: object) -> Exercise:
    return EXERCISES[type(case).exercise]


def exercise_of_class(cls_name: str) -> Exercise:
    """The exercise whose contract class is `cls_name` (e.g. "Conv2D")."""
    for exercise in EXERCISES.values():
        if exercise.cls == cls_name:
            return exercise
    raise KeyError(cls_name)


def plural(n: int, word: str) -> str:
    """"1 image", "2 images": for a case's description."""
    return f"{n} {word}" + ("" if n == 1 else "s")
