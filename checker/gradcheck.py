"""The finite-difference gradient check: one random direction per tensor, float64, central difference.

For a tensor p (x, W or b) with analytic gradient g, draw a Gaussian unit direction u and compare
<g, u> with (L(p + h u) - L(p - h u)) / 2h, where L = <v, forward(...)> for a Gaussian upstream
gradient v (never all ones: a ones-dout hides a quarter of kernel-flip bugs). The tolerance is
1e-6 of the gradient's norm plus a round-off floor; measured noise on correct code is below 1e-9,
real bugs above 5e-6 (see the research note on gradient checking).

A kink guard compares the one-sided slopes at -h and +h; if they disagree the step crossed a
kink or a tie, and the example is discarded (never failed). The comparison itself lives in
`checker.numgrad` (the diagnosis reuses it); a failure here carries its case and tensor as plain data,
and the plugin asks `checker.diagnose` why, once, on the shrunk case.
"""

from __future__ import annotations

from hypothesis import reject

from gradkit.checker.fixtures import forward_is_right, stored_gradient_failure
from gradkit.checker.impl import Implementation
from gradkit.checker.specs import EXERCISES, exercise_of_case
from gradkit.checker.results import (CheckFailure, NotImplementedYet, StudentCodeError, StudentTimeout,
                                     judged_where_possible, remembers_case)
from gradkit.checker.numgrad import gradient_failure, layer_directional
from gradkit.checker.setups import LayerCase


@judged_where_possible
@remembers_case
def check_layer_gradient(impl: Implementation, case: LayerCase, tensor: str) -> None:
    """Check d(loss)/d(tensor) of a layer's backward, where tensor is "x" or a parameter ("W", "b").

    The finite differences differentiate your forward. When they disagree with your backward (or your forward
    cannot run on the case) and your forward is wrong on the stored examples, the stored gradients decide:
    a correct backward behind a wrong forward passes here, and only the forward test charges the mistake.
    """
    exercise = exercise_of_case(case).name
    label, name = f"{EXERCISES[exercise].cls}.backward", f"d{tensor}"
    try:
        result = layer_directional(impl, case, tensor)
    except (NotImplementedYet, StudentTimeout):
        raise
    except CheckFailure as failure:
        if failure.tensor == name:
            raise  # the tensor under test itself is malformed
        if isinstance(failure, StudentCodeError) and failure.tensor is None and ".backward raised" in failure.message:
            failure.tensor = name  # backward raised: the tensor under test could not be computed
        _judge_on_stored_examples(impl, exercise, label, name, failure)
        return
    if result.kink:
        reject()  # the step crossed a kink or a tie: this example proves nothing either way
    if result.passed:
        return
    failure = gradient_failure(label, name, case, result)
    if tensor != "x" and result.numerical == 0.0 and result.analytic != 0.0 and getattr(impl, "reference", None) is None:
        # Moving params[tensor] did not move your output at all: your forward reads a copy of it made earlier, so
        # finite differences of your forward say nothing about your backward. The stored gradients judge it.
        failure.message += (f"\n  changing params[{tensor!r}] does not change your forward's output (numerical "
                             f"{name} = 0): forward uses a copy of {tensor} made earlier; read self.params[{tensor!r}] "
                             f"in every forward")
        _judge_on_stored_examples(impl, exercise, label, name, failure, stale=tensor)
        return
    if getattr(impl, "reference", None) is None and not forward_is_right(impl, exercise):
        _judge_on_stored_examples(impl, exercise, label, name, failure)
        return
    failure.gradient = tensor  # the plugin diagnoses it, once, on the shrunk case
    raise failure


def _judge_on_stored_examples(impl: Implementation, exercise: str, label: str, name: str,
                              failure: CheckFailure, stale: str | None = None) -> None:
    """Your forward is wrong (or could not run): pass if `name` equals the stored correct gradients, else fail."""
    try:
        why = stored_gradient_failure(impl, exercise, name)
    except CheckFailure as unusable:
        # Your layer cannot even run the stored examples: report the original problem, unjudged (and so skipped
        # where other examples can be judged) if it is forward's output the stored examples cannot use. Finite
        # differences of a forward that is wrong prove nothing of backward: then say so instead of blaming it.
        failure.unusable_forward = getattr(failure, "unusable_forward", False) or getattr(
            unusable, "unusable_forward", False)
        if not failure.unusable_forward and not forward_is_right(impl, exercise):  # (unusable: reported unjudged)
            failure.message = (f"{label}: {name} could not be confirmed, because your forward is wrong or fails on "
                               f"the stored examples (see the forward tests: fix it first); on this case your backward "
                               f"disagrees with finite differences of your own forward:\n"
                               + failure.message.split("\n", 1)[-1])
        raise failure from None
    if why is None:
        return
    if stale is not None:
        raise CheckFailure(
            f"{label}: the gradient {name} is wrong\n  {why}\n  (your forward also ignores changes to "
            f"params[{stale!r}]: it uses a copy made earlier; read self.params[{stale!r}] in every forward)",
            tensor=name, hint="stale_params")
    if forward_is_right(impl, exercise):  # backward could not run on the case (or gave no array): plainly wrong
        raise CheckFailure(f"{label}: the gradient {name} is wrong\n  {why}", tensor=name)
    raise CheckFailure(
        f"{label}: {name} could not be confirmed, because your forward is wrong (see the forward tests: fix it first)"
        f"\n  {why}\n"
        f"  (this check compared your backward with the stored gradients of the correct forward: a backward that "
        f"follows your forward's mistake fails it too, and may well be right once the forward is)",
        tensor=name)
