"""An optimizer mistake is named by a refitted hyperparameter only when that value reproduces every parameter."""

import numpy as np
import pytest

from gradkit.checker.refit import refitted
from gradkit.checker.specs import adam, sgd_momentum
from gradkit.checker.toy_layers import make_layers, params_of

SGD = sgd_momentum.SGDCase(shapes=((2, 3), (3,), (2, 3), (3,)), lr=0.1, momentum=0.9, weight_decay=0.01, steps=3,
                           seed=0)
ADAM = adam.AdamCase(shapes=((2, 3), (3,), (2, 3), (3,)), lr=0.01, beta1=0.9, beta2=0.999, eps=0.1,
                     weight_decay=0.01, steps=3, seed=0)


def run(spec, case, student=None, **options):
    """The student's parameters (the contract's update with `student` changes or wrong `options`) and a refit."""
    rng = np.random.default_rng(case.seed)
    start = [{k: w.copy() for k, w in params_of(layer).items()} for layer in make_layers(case.shapes, rng)]
    history = [[{k: rng.normal(size=w.shape) for k, w in layer.items()} for layer in start] for _ in range(case.steps)]
    observed = spec.expected_trajectory(start, history, case._replace(**(student or {})), **options)
    return refitted(lambda changed: spec._simulated(start, history, case._replace(**changed), {}), case._asdict(),
                    ("weight_decay", "lr", "momentum") if spec is sgd_momentum else
                    ("weight_decay", "lr", "beta1", "beta2", "eps"), observed, spec._same_weights, spec.DEFAULTS)


@pytest.mark.parametrize("spec, case, student, says", [
    (sgd_momentum, SGD, dict(weight_decay=0.02), "weight_decay = 0.02 in place of 0.01 (2 x the given value)"),
    (sgd_momentum, SGD, dict(lr=1.0), "lr = 1 in place of 0.1 (as if nothing were multiplied by lr)"),
    (sgd_momentum, SGD, dict(momentum=0.1), "momentum = 0.1 in place of 0.9 (1 - momentum)"),
    (adam, ADAM, dict(eps=1e-8), "eps = 1e-08 in place of 0.1 (the default value"),
    (adam, ADAM, dict(eps=3e-8), "eps = 3e-08 in place of 0.1:"),
    (adam, ADAM, dict(beta2=0.99), "beta2 = 0.99 in place of 0.999"),
])
def test_a_hyperparameter_off_is_named_with_its_value(spec, case, student, says):
    assert says in str(run(spec, case, student))


@pytest.mark.parametrize("spec, case, options", [
    (sgd_momentum, SGD, dict(nesterov=True)),
    (sgd_momentum, SGD, dict(shared="name")),
    (adam, ADAM, dict(correction="none")),
    (adam, ADAM, dict(eps_at="inside")),
])
def test_no_value_is_named_for_a_mistake_no_single_value_explains(spec, case, options):
    assert run(spec, case, **options) is None
