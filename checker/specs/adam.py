"""Exercise adam: Adam, an optimizer, so no gradient to check: these compare trajectories (as for sgd_momentum).

The contract's update, per parameter w with gradient grad and its own m and v (zeros at first), t one count for
the optimizer, advanced once per step (1 at the first):
    g = grad + weight_decay * w                 (L2 weight decay, as torch.optim.Adam; not AdamW)
    m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g * g
    w -= lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)
For a constant gradient and no weight decay the bias correction gives back m_hat = g and v_hat = g * g at every
step, so there is a closed form independent of the recurrence:  w_k - w_0 = -k * lr * g / (|g| + eps)
(the first step moves every entry by almost exactly lr, against the sign of its gradient).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from hypothesis import strategies as st

from gradkit.checker import averages, inputs
from gradkit.checker.guard import call, construct
from gradkit.checker.impl import Implementation
from gradkit.checker.refit import refitted
from gradkit.checker.results import CheckFailure, StudentCodeError
from gradkit.checker.specs import plural
from gradkit.checker.strategies import seeds
from gradkit.checker.toy_layers import (GRADS_WRITTEN, Bare, ToyLayer, move_alike, settings_changed, check_any_memory_order,
                                        check_any_parameter_names, check_grads_left_alone, check_grads_read_by_key,
                                        check_layers_without_params_skipped, check_optimizers_independent,
                                        grads_of as _grads, make_layers, params_of as _params, replayed,
                                        stalled_layer)

CLASS = "Adam"
# The contract's update in one line, for messages.
UPDATE = ("the update: g = grad + weight_decay * w; m = beta1 * m + (1 - beta1) * g; v = beta2 * v + "
          "(1 - beta2) * g * g; w -= lr * m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - beta1**t), "
          "v_hat = v / (1 - beta2**t) and t = 1, 2, ... (one count, advanced once per step)")
CLOSED_FORM = ("with a constant gradient (and no weight decay), bias correction makes m_hat = g and v_hat = g * g at "
               "every step, so each step moves w by exactly -lr * g / (|g| + eps)")
DEFAULTS = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0)
# The descent test: this many steps on a quadratic bowl must bring the parameters this many times closer.
STEPS_ON_THE_BOWL, CLOSER_ON_THE_BOWL = 100, 10


class AdamCase(NamedTuple):
    shapes: tuple[tuple[int, ...], ...]  # one parameter per shape, spread over two layers
    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    steps: int
    seed: int

    exercise = "adam"

    def __str__(self) -> str:
        return (
            f"{plural(len(self.shapes), 'parameter')} of shapes {list(self.shapes)}, lr={self.lr}, "
            f"beta1={self.beta1}, beta2={self.beta2}, eps={self.eps}, weight_decay={self.weight_decay}, "
            f"{plural(self.steps, 'step')}"
        )


Case = AdamCase


def cases(weight_decay: bool = False) -> st.SearchStrategy[Case]:
    """Two to four parameters of fixed small shapes; lr, the betas, eps (and weight decay) from short lists.

    eps is sometimes large (0.1, 1e-3) next to gradients of size about 1: only then does where eps goes (outside
    the square root, on the corrected v) change the trajectory measurably.
    """
    # Both toy layers get the same names and shapes ("W", then "b"), as two real layers can: state shared
    # between parameters, or kept per name only, then gives wrong values rather than a crash.
    shapes = [((2,), (2,)), ((2, 3), (3,), (2, 3), (3,)), ((1,), (1,)), ((4, 1), (1,), (4, 1), (1,))]
    if weight_decay:  # the smallest failing case then has a weight matrix and a bias, as a network does
        shapes = shapes[1:2] + shapes[:1] + shapes[2:]
    return st.builds(
        Case,
        shapes=st.sampled_from(shapes),
        lr=st.sampled_from([0.01, 0.1, 0.001]),
        beta1=st.sampled_from([0.9, 0.5, 0.0]),
        beta2=st.sampled_from([0.999, 0.9, 0.5]),
        eps=st.sampled_from([1e-8, 0.1, 1e-3]),
        weight_decay=st.sampled_from([1e-2, 0.1, 5e-4]) if weight_decay else st.just(0.0),
        steps=st.integers(1, 6),
        seed=seeds,
    )


adam_cases = cases


def _optimizer(impl: Implementation, layers: list[Any], case: AdamCase) -> Any:
    return construct(impl.Adam, layers, lr=case.lr, beta1=case.beta1, beta2=case.beta2, eps=case.eps,
                     weight_decay=case.weight_decay)


def _copies(layers: list[Any], what: Callable[[Any], dict[str, np.ndarray]] = _params) -> list[dict[str, np.ndarray]]:
    return [{k: a.copy() for k, a in what(layer).items()} for layer in layers]


def _step(optimizer: Any, layers: list[Any], in_place: bool = False) -> None:
    """One step, checked with `in_place` (only the trainer-use test, so each mistake costs one test): grads left
    untouched, params updated in place (the same arrays). The other tests judge the values in the dicts: grads a step
    wrote into are put back as they were, so that the next step sees the gradient the test meant."""
    arrays = [(layer, k, _params(layer)[k]) for layer in layers for k in _params(layer)]
    grads = [(layer, k, _grads(layer)[k].copy()) for layer in layers for k in _grads(layer)]
    try:
        call(optimizer, "step")
    except StudentCodeError as error:
        if f"'{Bare.__name__}' object has no attribute" not in error.message:
            raise
        raise CheckFailure(
            f"{error.message}\n  hint: a layer without parameters may have no params or grads attribute at all (a "
            "Flatten layer, say): skip it, e.g. with getattr(layer, 'params', {})", tensor="params",
            hint="skip_layers") from None
    for layer, k, array in arrays if in_place else []:
        if _params(layer)[k] is not array:
            raise CheckFailure(
                f"{CLASS}.step replaced params[{k!r}] with a new array; update it in place (`w -= ...`), because the "
                "layer and the optimizer must share the same array", tensor="params (in place)", hint="not_in_place")
    changed = sorted({k for layer, k, grad in grads if not _identical(_grads(layer)[k], grad)})
    if changed and not in_place:
        _restore(layers, grads)  # the values are judged here; the trainer-use test charges the writing, once
    elif changed:
        raise CheckFailure(
            f"{CLASS}.step modified {' and '.join(f'grads[{k!r}]' for k in changed)}; {GRADS_WRITTEN}",
            tensor="grads (mutated)", hint="mutation")


def _restore(layers: list[Any], grads: list[tuple[Any, str, np.ndarray]]) -> None:
    """Put each gradient (layer, key, the values before the step) back into the layer's grads dict."""
    for layer, k, grad in grads:
        _grads(layer)[k] = grad.copy()


def _identical(a: Any, b: np.ndarray) -> bool:
    """The same values (NaN where both are NaN: a NaN parameter makes a NaN gradient, which is not a mutation)."""
    try:
        return bool(np.array_equal(a, b, equal_nan=True))
    except TypeError:  # not numbers at all
        return False


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to round-off; NaN where both are NaN (a known mistake that divides by zero is still recognised)."""
    return np.shape(a) == np.shape(b) and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))


def _matches(layers: list[Any], expected: list[dict[str, np.ndarray]]) -> bool:
    return _same_weights(expected, [_params(layer) for layer in layers])


def _same_weights(expected: list[dict[str, np.ndarray]], observed: list[dict[str, np.ndarray]]) -> bool:
    return all(k in mine and _close(mine[k], want[k]) for mine, want in zip(observed, expected) for k in want)


def expected_trajectory(start: list[dict[str, np.ndarray]], grads: list[list[dict[str, np.ndarray]]],
                        case: AdamCase, *, lrs: list[float] | None = None, correction: str = "both",
                        clock: str = "per step", first_t: int = 1, eps_at: str = "outside", square: bool = True,
                        shared: str = "none", decay: str = "l2", decay_min_ndim: int = 0,
                        kept: bool = True, root: str = "of v_hat",
                        corrected_kept: str = "none", skip_zero: bool = False,
                        v_kept_at_max: bool = False, v_from_m: bool = False, v_centered: str = "",
                        seeded: bool = False,
                        infinity_norm: bool = False, lr_over_sqrt_t: bool = False,
                        betas_swapped: bool = False, m_without_decay: bool = False, v_without_decay: bool = False,
                        numerator: str = "m_hat") -> list[dict[str, np.ndarray]]:
    """The contract's update, applied step by step to copies (the oracle).

    `lrs` gives each step's learning rate (a schedule; case.lr throughout by default). The other options describe
    known wrong variants, used to name a mistake: `correction` ("both"; "none", "m", "v": which averages are
    bias-corrected; "swapped": m by 1 - beta2**t and v by 1 - beta1**t; "beta1 for both", "beta2 for both": one
    correction for both), `clock` ("per step"; "frozen": t stays at
    `first_t`; "per parameter", "per layer", "per any layer": t advances before every parameter's update, every
    parameter-holding layer's, or every layer's, with parameters or not;
    "lagging": the corrections use the previous step's t, at least 1),
    `first_t` (the t of the first step; 0 divides by zero), `eps_at` ("outside": sqrt(v_hat) + eps; "inside":
    sqrt(v_hat + eps); "uncorrected": the paper's efficient form lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m /
    (sqrt(v) + eps)), `square` (False: v averages g, not g * g), `shared` ("name": one m and v per parameter name
    across layers; "all": one for everything), `decay` ("decoupled": AdamW, w -= lr * weight_decay * w beside the
    step, g = grad), `decay_min_ndim` (2 skips the biases), `kept` (False: m and v restart from zero at every
    step), `root` ("of v_hat"; "none": v_hat without its square root, lr * m_hat / (v_hat + eps); "before the
    correction": sqrt(v) / (1 - beta2**t) + eps) and `corrected_kept` ("m", "v",
    "both": the bias-corrected average is what is kept for the next step, as when `m_hat = m; m_hat /= ...`
    corrects m itself in place) and `skip_zero` (a parameter whose gradient is all zero is left alone that step:
    no update of m, v or w) and `v_kept_at_max` (v never decreases: the larger of the old v and the new average,
    as AMSGrad keeps for v_hat) and `v_from_m` (v averages m * m, the new first moment squared, not g * g) and
    `v_centered` ("new m", "old m": v averages (g - m) ** 2, AdaBelief's centred second moment, with this step's m
    or the previous one) and
    `seeded` (m and v start as the first gradient and its square, not zero; the corrections are still applied) and
    `infinity_norm` (AdaMax: v = max(beta2 * v, |g|), uncorrected, and w -= lr * m_hat / (v + eps)) and
    `lr_over_sqrt_t` (the step's rate divided by sqrt(t), a decay the contract does not have) and `betas_swapped` (m
    averages with beta2 and v with beta1; the corrections keep theirs) and `m_without_decay` (m averages the raw
    gradient, only v sees weight_decay * w) and `v_without_decay` (v averages the raw gradient squared, only m
    sees it) and `numerator` ("m_hat"; "g": the step's numerator is the fresh g, as
    RMSProp's) and `correction="multiplied"` (m and v multiplied by 1 - beta**t instead of divided).
    """
    weights = [{k: a.copy() for k, a in p.items()} for p in start]
    mean: dict[object, np.ndarray] = {}
    square_mean: dict[object, np.ndarray] = {}
    count = first_t - 1
    with np.errstate(all="ignore"):
        for step, step_grads in enumerate(grads):
            rate = case.lr if lrs is None else lrs[step]
            if clock in ("per step", "lagging"):
                count += 1
            for i, (wl, gl) in enumerate(zip(weights, step_grads)):
                if clock == "per layer" and wl or clock == "per any layer":
                    count += 1
                for k in wl:
                    if skip_zero and not gl[k].any():
                        continue
                    if clock == "per parameter":
                        count += 1
                    t = first_t if clock == "frozen" else max(count - 1, 1) if clock == "lagging" else count
                    slot = {"none": (i, k), "name": k, "all": "all"}[shared]
                    lam = case.weight_decay if wl[k].ndim >= decay_min_ndim else 0.0
                    grad = gl[k] + lam * wl[k] if decay == "l2" else gl[k]
                    zero = np.zeros_like(wl[k])
                    if seeded and slot not in mean:
                        mean[slot], square_mean[slot] = grad.copy(), grad * grad
                    decay1, decay2 = (case.beta2, case.beta1) if betas_swapped else (case.beta1, case.beta2)
                    first = decay1 * (mean.get(slot, zero) if kept else zero) + (1 - decay1) * (
                        gl[k] if m_without_decay else grad)
                    raw = first * first if v_from_m else grad * grad if square else grad
                    if v_without_decay:
                        raw = gl[k] * gl[k]
                    if v_centered:
                        centre = first if v_centered == "new m" else mean.get(slot, zero) if kept else zero
                        raw = (grad - centre) ** 2
                    second = decay2 * (square_mean.get(slot, zero) if kept else zero) + (1 - decay2) * raw
                    if infinity_norm:
                        second = np.maximum(case.beta2 * (square_mean.get(slot, zero) if kept else zero), np.abs(grad))
                    if v_kept_at_max:
                        second = np.maximum(square_mean.get(slot, zero), second)
                    mean[slot], square_mean[slot] = first, second
                    bias1, bias2 = 1 - case.beta1**t, 1 - case.beta2**t
                    if correction == "swapped":
                        bias1, bias2 = bias2, bias1
                    elif correction == "multiplied":
                        bias1, bias2 = 1 / bias1, 1 / bias2
                    elif correction == "beta1 for both":
                        bias2 = bias1
                    elif correction == "beta2 for both":
                        bias1 = bias2
                    corrects_m = correction in ("both", "m", "swapped", "beta1 for both", "beta2 for both", "multiplied")
                    corrects_v = correction in ("both", "v", "swapped", "beta1 for both", "beta2 for both", "multiplied")
                    unbiased1 = first / bias1 if corrects_m else first
                    if numerator == "g":
                        unbiased1 = grad
                    unbiased2 = second / bias2 if corrects_v else second
                    if corrected_kept in ("m", "both"):
                        mean[slot] = unbiased1
                    if corrected_kept in ("v", "both"):
                        square_mean[slot] = unbiased2
                    if infinity_norm:
                        move = rate * unbiased1 / (second + case.eps)
                    elif root == "none":
                        move = rate * unbiased1 / (unbiased2 + case.eps)
                    elif root == "before the correction":
                        move = rate * unbiased1 / (np.sqrt(second) / bias2 + case.eps)
                    elif eps_at == "inside":
                        move = rate * unbiased1 / np.sqrt(unbiased2 + case.eps)
                    elif eps_at == "uncorrected":
                        move = rate * np.sqrt(bias2) / bias1 * first / (np.sqrt(second) + case.eps)
                    else:
                        move = rate * unbiased1 / (np.sqrt(unbiased2) + case.eps)
                    if lr_over_sqrt_t:
                        move = move / np.sqrt(t)
                    if decay == "decoupled":
                        move = move + rate * lam * wl[k]
                    wl[k] = wl[k] - move
    return weights


def closed_form(start: list[dict[str, np.ndarray]], gradient: list[dict[str, np.ndarray]],
                case: AdamCase) -> list[dict[str, np.ndarray]]:
    """Where `case.steps` steps with the constant `gradient` (no weight decay) must land: each step moves by
    lr * g / (|g| + eps), since bias correction makes m_hat = g and v_hat = g * g at every step."""
    return [{k: w0[k] - case.steps * case.lr * g[k] / (np.abs(g[k]) + case.eps) for k in w0}
            for w0, g in zip(start, gradient)]


# Known ways to get the update wrong: (hint, what it means, the case to simulate, options of
# `expected_trajectory`). The first one that reproduces your parameters names the mistake.
def _alternatives(case: AdamCase) -> list[tuple[str, str, AdamCase, dict[str, object]]]:
    found: list[tuple[str, str, AdamCase, dict[str, object]]] = [
        ("sign", "your parameters moved exactly as with the opposite sign of the step: w moves against its "
                 "gradient, w -= lr * m_hat / (sqrt(v_hat) + eps)", case._replace(lr=-case.lr), {}),
        ("betas", "your parameters moved exactly as with beta1 and beta2 swapped in the moving averages (m averaged "
                  "with beta2, v with beta1): m = beta1 * m + (1 - beta1) * g, v = beta2 * v + (1 - beta2) * g * g",
         case, {"betas_swapped": True}),
        ("bias_correction", "your parameters moved exactly as without bias correction (m and v used as they are): "
                            "divide m by 1 - beta1**t and v by 1 - beta2**t; they start at zero, and the correction "
                            "undoes that", case, {"correction": "none"}),
        ("bias_correction", "your parameters moved exactly as with m bias-corrected but not v: use v_hat = "
                            "v / (1 - beta2**t) under the square root", case, {"correction": "m"}),
        ("bias_correction", "your parameters moved exactly as with v bias-corrected but not m: use m_hat = "
                            "m / (1 - beta1**t)", case, {"correction": "v"}),
        ("bias_correction", "your parameters moved exactly as with m and v multiplied by 1 - beta1**t and 1 - beta2**t: "
                            "the correction divides, m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t)", case,
         {"correction": "multiplied"}),
        ("momentum_state", "your parameters moved exactly as with the fresh gradient g in the step's numerator "
                           "instead of m_hat (RMSProp's step): w -= lr * m_hat / (sqrt(v_hat) + eps), with m_hat = "
                           "m / (1 - beta1**t)", case, {"numerator": "g"}),
        ("bias_correction", "your parameters moved exactly as with beta1 and beta2 swapped in the bias corrections: "
                            "m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t)", case, {"correction": "swapped"}),
        ("bias_correction", "your parameters moved exactly as with v bias-corrected by 1 - beta1**t (beta1 where beta2 "
                            "belongs): v_hat = v / (1 - beta2**t)", case, {"correction": "beta1 for both"}),
        ("bias_correction", "your parameters moved exactly as with m bias-corrected by 1 - beta2**t (beta2 where beta1 "
                            "belongs): m_hat = m / (1 - beta1**t)", case, {"correction": "beta2 for both"}),
        ("step_count", "your parameters moved exactly as with t stuck at 1 (never advanced), or with corrections "
                       "1 - beta1 and 1 - beta2 that leave out the power t: the corrections are 1 - beta1**t and "
                       "1 - beta2**t, with t advanced once per step (1, 2, 3, ...)", case, {"clock": "frozen"}),
        ("step_count", "your parameters moved exactly as if t advanced once per parameter (self.t += 1 inside the "
                       "loop over parameters): t counts steps; advance it once per call of step, before the loop",
         case, {"clock": "per parameter"}),
        ("step_count", "your parameters moved exactly as if t advanced once per layer (self.t += 1 inside the loop "
                       "over layers): t counts steps; advance it once per call of step, before the loop",
         case, {"clock": "per layer"}),
        ("step_count", "your parameters moved exactly as if t advanced once per layer, those without parameters "
                       "included (self.t += 1 inside the loop over layers): t counts steps; advance it once per call "
                       "of step, before the loop", case, {"clock": "per any layer"}),
        ("step_count", "your parameters moved exactly as with t = 0 at the first step: 1 - beta1**0 is 0, so the "
                       "bias correction divides by zero (NaN); advance t before using it, so it is 1 at the first step",
         case, {"first_t": 0}),
        ("step_count", "your parameters moved exactly as if the bias corrections used the previous step's t (1, 1, "
                       "2, 3, ...: t read before self.t += 1, and kept from 0 by max(t, 1)): advance self.t first, then "
                       "compute the corrections with it", case, {"clock": "lagging"}),
        ("eps", "your parameters moved exactly as with eps inside the square root, sqrt(v_hat + eps): eps goes "
                "outside, sqrt(v_hat) + eps", case, {"eps_at": "inside"}),
        ("eps", "your parameters moved exactly as with the paper's 'efficient' form, lr * sqrt(1 - beta2**t) / "
                "(1 - beta1**t) * m / (sqrt(v) + eps), which adds eps to the uncorrected sqrt(v): the contract adds "
                "eps to sqrt(v_hat)", case, {"eps_at": "uncorrected"}),
        ("second_moment", "your parameters moved exactly as with v averaging the gradient g instead of its square: "
                          "v = beta2 * v + (1 - beta2) * g * g", case, {"square": False}),
        ("second_moment", "your parameters moved exactly as with v averaging m * m (the first moment squared) "
                          "instead of the squared gradient: v = beta2 * v + (1 - beta2) * g * g", case,
         {"v_from_m": True}),
        ("second_moment", "your parameters moved exactly as with v averaging (g - m) ** 2 (AdaBelief's centred "
                          "second moment, m after this step's update) instead of the squared gradient: v = beta2 * v "
                          "+ (1 - beta2) * g * g", case, {"v_centered": "new m"}),
        ("second_moment", "your parameters moved exactly as with v averaging (g - m) ** 2, m being the previous "
                          "step's first moment, instead of the squared gradient: v = beta2 * v + (1 - beta2) * g * g",
         case, {"v_centered": "old m"}),
        ("second_moment", "your parameters moved exactly as if v never decreased (the larger of the old v and the "
                          "new average, as AMSGrad keeps): v = beta2 * v + (1 - beta2) * g * g must shrink when the "
                          "gradients get smaller", case, {"v_kept_at_max": True}),
        ("second_moment", "your parameters moved exactly as with v_hat where its square root belongs: "
                          "w -= lr * m_hat / (sqrt(v_hat) + eps)", case, {"root": "none"}),
        ("bias_correction", "your parameters moved exactly as with v's bias correction outside the square root, "
                            "sqrt(v) / (1 - beta2**t): the correction goes under it, sqrt(v / (1 - beta2**t))",
         case, {"root": "before the correction"}),
        ("bias_correction", "your parameters moved exactly as if the bias correction were applied to m itself, in "
                            "place (m_hat = self.m[...]; m_hat /= 1 - beta1**t changes m too): the first step is "
                            "right, later ones start from a corrected m; compute m_hat = m / (1 - beta1**t) as a "
                            "new array", case, {"corrected_kept": "m"}),
        ("bias_correction", "your parameters moved exactly as if the bias correction were applied to v itself, in "
                            "place (v_hat = self.v[...]; v_hat /= 1 - beta2**t changes v too): compute v_hat = "
                            "v / (1 - beta2**t) as a new array", case, {"corrected_kept": "v"}),
        ("bias_correction", "your parameters moved exactly as if the bias corrections were applied to m and v "
                            "themselves, in place (`m_hat = self.m[...]; m_hat /= ...` changes m too): the first "
                            "step is right, later ones start from corrected averages; compute m_hat and v_hat as "
                            "new arrays", case, {"corrected_kept": "both"}),
        ("momentum_state", "your parameters moved exactly as if parameters with the same name in different layers "
                           "(two 'W's) shared one m and one v: keep them per layer and key (self.m[i][k], "
                           "self.v[i][k])", case, {"shared": "name"}),
        ("momentum_state", "your parameters moved exactly as with one m and one v shared by every parameter: keep "
                           "them per parameter (per layer and key)", case, {"shared": "all"}),
        ("zero_grad", "your parameters moved exactly as if a parameter whose gradient is all zero were skipped: "
                      "Adam still moves it (m and v decay, and w moves by m_hat / (sqrt(v_hat) + eps)); do not skip "
                      "zero gradients", case, {"skip_zero": True}),
        ("second_moment", "your parameters moved exactly as AdaMax (v = max(beta2 * v, |g|), w -= lr * m_hat / "
                          "(v + eps)): Adam averages the squared gradient, v = beta2 * v + (1 - beta2) * g * g, and "
                          "divides by sqrt(v_hat) + eps", case, {"infinity_norm": True}),
        ("momentum_state", "your parameters moved exactly as with m and v started at the first gradient and its "
                           "square instead of zero: both start at zero (the bias correction exists because they "
                           "do)", case, {"seeded": True}),
        ("lr_schedule", "your parameters moved exactly as with the learning rate divided by sqrt(t) at every step: "
                        "Adam uses lr as it is (the corrections already scale the step); a schedule, if any, sets "
                        "optimizer.lr from outside", case, {"lr_over_sqrt_t": True}),
        ("momentum_state", "your parameters moved exactly as if m and v restarted from zero at every step: keep "
                           "them (self.m, self.v) from one step to the next", case, {"kept": False}),
    ]
    if case.weight_decay:
        if any(len(shape) == 1 for shape in case.shapes) and any(len(shape) > 1 for shape in case.shapes):
            found.append(("weight_decay", "your parameters moved exactly as with weight decay on the weight "
                                          "matrices but not on the 1-D parameters (biases): the contract decays "
                                          "every parameter", case, {"decay_min_ndim": 2}))
        found += [
            ("weight_decay", "your parameters moved exactly as with decoupled weight decay (AdamW: w -= lr * "
                             "weight_decay * w beside the Adam step): this Adam uses L2 weight decay, as "
                             "torch.optim.Adam does; add weight_decay * w to the gradient before m and v",
             case, {"decay": "decoupled"}),
            ("weight_decay", "your parameters moved exactly as without weight decay: add weight_decay * w to the "
                             "gradient", case._replace(weight_decay=0.0), {}),
            ("weight_decay", "your parameters moved exactly as with m averaging the raw gradient and only v seeing "
                             "the decay: compute g = grad + weight_decay * w once and use it for both m and v", case,
             {"m_without_decay": True}),
            ("weight_decay", "your parameters moved exactly as with v averaging the raw gradient squared and only m "
                             "seeing the decay: compute g = grad + weight_decay * w once and use it for both m and v "
                             "(v = beta2 * v + (1 - beta2) * g * g)", case, {"v_without_decay": True}),
            ("weight_decay", "your parameters moved exactly as with weight decay of the opposite sign: "
                             "g = grad + weight_decay * w", case._replace(weight_decay=-case.weight_decay), {}),
        ]
    return found


def _finite(weights: list[dict[str, np.ndarray]]) -> bool:
    return all(np.all(np.isfinite(w)) for layer in weights for w in layer.values())


def _simulated(start: list[dict[str, np.ndarray]], history: list, case: AdamCase,
               options: dict[str, object]) -> list[dict[str, np.ndarray]] | None:
    try:
        return expected_trajectory(start, history, case, **options)  # type: ignore[arg-type]
    except ValueError:  # shapes that cannot share one state
        return None


def _compare_trajectory(layers: list[Any], start: list[dict[str, np.ndarray]],
                        history: list[list[dict[str, np.ndarray]]], case: AdamCase, what: str,
                        expected: list[dict[str, np.ndarray]], moves_later: Callable[[], bool] | None = None,
                        reproduce: Callable[[AdamCase, dict[str, object]], bool] | None = None,
                        note: str = "", confirm: Callable[[dict[str, float]], bool] | None = None,
                        state: Callable[[], tuple[str, str] | None] | None = None) -> None:
    """Your parameters after the steps in `history` must equal `expected`; if not, say how they differ.

    `moves_later` takes one more step and says whether the parameters then move: after a step that moved nothing,
    it tells an update that lags one step behind from one that never reaches the arrays. A known mistake names
    yours only if `reproduce` confirms it on another run, of gradients of one sign (where NaN from a division by
    zero and NaN from the square root of a negative v no longer look alike); without `reproduce`, only if its
    trajectory is finite. `confirm` checks a refitted hyperparameter on another run; `state` reads your own m and v
    when nothing else names the mistake."""
    if _matches(layers, expected):
        return
    number, k = next((i, k) for i, (layer, want) in enumerate(zip(layers, expected)) for k in want
                     if not _close(_params(layer)[k], want[k]))
    mine, want, w0 = _params(layers[number])[k].copy(), expected[number][k], start[number][k]
    hint, why = None, "compare your step with the update line by line"
    unchanged = all(np.array_equal(_params(layer)[key], w[key]) for layer, w in zip(layers, start) for key in w)
    if unchanged and moves_later is not None and moves_later():
        hint, why = "order", ("your first step moved nothing and the next one did: w moved before m was updated "
                              "(m starts at 0, so the first move is 0); update m (and v) first, then move w with the "
                              "new ones")
    elif unchanged:
        hint, why = "not_in_place", ("no parameter changed at all: `w = w - ...` only rebinds a local name; update "
                                     "the array itself, w -= ... (and not a copy of it: .astype(...), .copy() and np.array(w) "
                                     "make new arrays, so layer.params[k] never sees the update)")
    matched = []
    for alt_hint, alt_why, alternative, options in [] if unchanged else _alternatives(case):
        simulated = _simulated(start, history, alternative, options)
        if simulated is None or not _matches(layers, simulated):
            continue
        # Confirmed on another run where possible: a few steps can hide a difference (a decay of 1e-4 is invisible
        # in a first step, which moves every entry by about lr whatever its gradient).
        if (reproduce is not None and reproduce(alternative, options)) or (reproduce is None and _finite(simulated)):
            matched.append((alt_hint, alt_why))
    stalled = None if unchanged or matched else stalled_layer(layers, start, expected)
    # Your own m and v first: an average with other weights is where the mistake is, even when one hyperparameter
    # happens to reproduce its effect (m = beta1 * m + g moves exactly as lr * 1 / (1 - beta1) would).
    read = state() if state is not None and not (unchanged or matched or stalled) else None
    refit = None if unchanged or matched or stalled or (read and read[0] != "step") else refitted(
        lambda changed: _simulated(start, history, case._replace(**changed), {}), case._asdict(),
        ("weight_decay", "lr", "beta1", "beta2", "eps"), [_params(layer) for layer in layers], _same_weights,
        DEFAULTS, confirm)
    if matched:
        hint, why = matched[0]
    elif stalled:
        hint, why = stalled
    elif read and read[0] != "step":
        hint, why = read
    elif refit:
        hint, why = "hyperparameter", str(refit)
    elif read:
        hint, why = read
    if len(matched) > 1:  # this case cannot tell them apart (two steps, say): name each, claim none
        why = "known mistakes that give exactly your parameters on this case: " + "; or ".join(
            text.removeprefix("your parameters moved exactly as ") for _, text in matched)
    finite = all(np.all(np.isfinite(_params(layer)[key])) for layer in layers for key in _params(layer))
    broken = "" if finite else " (some of your parameters are NaN or infinite)"
    raise CheckFailure(
        f"{CLASS}.step: params[{k!r}] of layer {number} is wrong after {plural(case.steps, 'step')} {what}{broken}\n"
        f"  {_worst(mine, want, w0, k)}\n"
        f"  hint: {why}\n  {UPDATE}\n"
        f"{note}"
        f"  case: {case}", tensor=f"params[{k!r}]", hint=hint,
    )


def _worst(mine: Any, want: np.ndarray, start: np.ndarray, k: str,
           labels: tuple[str, str] = ("yours", "expected")) -> str:
    """The entry of your parameter furthest from the expected one, with both values and where it started."""
    if np.shape(mine) != want.shape:
        return f"{labels[0]} has shape {np.shape(mine)}, {labels[1]} {want.shape}"
    mine = np.asarray(mine, dtype=float)
    gap = np.abs(mine - want)
    gap[np.isnan(gap)] = np.inf
    index = np.unravel_index(int(np.argmax(gap)), want.shape)
    where = f"{k}[{', '.join(str(int(i)) for i in index)}]"
    return (f"worst entry {where}: {labels[0]} {mine[index]:+.10g}, {labels[1]} {want[index]:+.10g} "
            f"(started at {start[index]:+.10g})")


def _fill(layers: list[Any], rng: np.random.Generator) -> None:
    """New gradients, written into the arrays the layers hold (the trainer-use test also rebinds them)."""
    for layer in layers:
        for k in _grads(layer):
            _grads(layer)[k][...] = inputs.gaussian(rng, _grads(layer)[k].shape)


def _run(impl: Implementation, case: AdamCase, fresh_gradients: bool) -> None:
    rng = np.random.default_rng(case.seed)
    layers = make_layers(case.shapes, rng)
    start = _copies(layers)
    optimizer = _optimizer(impl, layers, case)
    history = []
    zeroed = None
    for step in range(case.steps):
        if fresh_gradients or step == 0:
            _fill(layers, rng)
        if fresh_gradients and step == 1:  # a parameter a batch did not reach: Adam still moves it (m, v carry on)
            zeroed = next(((i, k) for i, layer in enumerate(layers) for k in _grads(layer)), None)
            if zeroed is not None:
                _grads(layers[zeroed[0]])[zeroed[1]][...] = 0.0
        history.append(_copies(layers, _grads))
        _step(optimizer, layers)
    if fresh_gradients:
        expected = expected_trajectory(start, history, case)
        what, note = "with changing gradients", ""
        if zeroed is not None:
            note = (f"  step 2 gave params[{zeroed[1]!r}] of layer {zeroed[0]} an all-zero gradient, on purpose: Adam "
                    f"updates such a parameter too (m and v decay, and w keeps moving with m_hat)\n")
    else:  # the closed form, an oracle independent of the step-by-step recurrence
        expected = closed_form(start, history[0], case)
        what, note = "with a constant gradient", f"  {CLOSED_FORM}\n"

    def moves_later() -> bool:
        before = _copies(layers)
        try:
            _step(optimizer, layers)
        except (StudentCodeError, CheckFailure):
            return False
        return not all(np.array_equal(_params(layer)[k], w[k]) for layer, w in zip(layers, before) for k in w)

    _compare_trajectory(layers, start, history, case, what, expected, moves_later,
                        lambda alternative, options: _reproduces(impl, case, alternative, options), note,
                        lambda changed: _confirms(impl, case, changed), lambda: _averages_hint(impl, case))


def _reproduces(impl: Implementation, case: AdamCase, alternative: AdamCase, options: dict[str, object]) -> bool:
    """Whether your optimizer also moves as a known mistake (`alternative`, `options`) on fresh layers whose
    gradients are all positive, over at least two steps."""
    rng = np.random.default_rng(case.seed + 2)
    layers = make_layers(case.shapes, rng)
    start = _copies(layers)
    history = []
    try:
        optimizer = _optimizer(impl, layers, case)
        for _ in range(max(case.steps, 2)):
            for layer in layers:
                for k in _grads(layer):
                    _grads(layer)[k][...] = 0.5 + np.abs(inputs.gaussian(rng, _grads(layer)[k].shape))
            history.append(_copies(layers, _grads))
            _step(optimizer, layers)
    except CheckFailure:
        return False
    simulated = _simulated(start, history, alternative, options)
    return simulated is not None and _matches(layers, simulated)


AVERAGES = (averages.Average("m", "g", (0.0, 0.0), "beta1 * m + (1 - beta1) * g"),
            averages.Average("v", "g * g", (0.0, 0.0), "beta2 * v + (1 - beta2) * g * g"))


def _averages_hint(impl: Implementation, case: AdamCase) -> tuple[str, str] | None:
    """(hint id, why) from your optimizer's own m and v (the provided self.m and self.v) over three steps of new
    gradients on fresh layers: an average with other weights, or both right and the move of w wrong."""
    rng = np.random.default_rng(case.seed + 11)
    layers = make_layers(case.shapes, rng)
    key = next(iter(_params(layers[0])))
    shape = _params(layers[0])[key].shape
    recorded = averages.record(lambda: _optimizer(impl, layers, case), lambda optimizer: _step(optimizer, layers),
                               lambda: _fill(layers, rng), lambda: _params(layers[0]), lambda: _grads(layers[0]),
                               ("m", "v"))
    if recorded is None:
        return None
    optimizer, seen = recorded
    changed = settings_changed(optimizer, {name: getattr(case, name) for name in
                                           ("lr", "beta1", "beta2", "eps", "weight_decay")}, len(seen["move"]))
    if changed:
        return "hyperparameter", changed
    seen["g"] = [grad + case.weight_decay * w for grad, w in zip(seen["grad"], seen["w"])]
    try:
        same = np.shares_memory(optimizer.m[0][key], optimizer.v[0][key])
    except Exception:  # noqa: BLE001 - the student's containers may raise anything
        same = False
    if same:
        return "momentum_state", ("your m and v are one array (self.m[i][k] and self.v[i][k] share memory), so each "
                                  "update overwrites the other: take v from self.v")
    for kept, idle in (("m", "v"), ("v", "m")):
        if np.any(seen[kept][-1]) and not any(np.any(value) for value in seen[idle]):
            return "momentum_state", (f"self.{idle} stays all zeros over three steps while self.{kept} changes: if "
                                      f"{idle} is meant to live in self.{idle}, your update writes it somewhere else "
                                      f"(into self.{kept}, say: `{kept}, {idle} = self.{kept}[i][k], "
                                      f"self.{kept}[i][k]`)")
    olds = [np.zeros(shape), *seen["v"][:-1]]
    with np.errstate(invalid="ignore"):
        rooted = [np.sqrt(case.beta2 * old + (1 - case.beta2) * g * g) for old, g in zip(olds, seen["g"])]
    corrected = [r / np.sqrt(1 - case.beta2**t) + case.eps for t, r in enumerate(rooted, start=1)]  # the denominator
    if np.any(seen["v"][-1]) and any(all(np.allclose(v, r, rtol=1e-9, atol=1e-15) for v, r in zip(seen["v"], roots))
                                     for roots in (rooted, corrected)):
        return "second_moment", ("your self.v holds the square root of the average after each step (or the whole "
                                 "denominator, sqrt(v_hat) + eps): np.sqrt(v, out=v) (or v **= 0.5, then /= and += "
                                 "on it) writes into the state, and the next step averages that; keep v = beta2 * v "
                                 "+ (1 - beta2) * g * g and compute the denominator into a new array")
    if case.weight_decay and _averages_follow(seen, case, seen["grad"]):
        return "weight_decay", ("your m and v (in self.m and self.v) follow the contract's averages of the raw "
                                "gradient: weight_decay * w never entered them. This Adam uses L2 weight decay, as "
                                "torch.optim.Adam does: g = grad + weight_decay * w, then m and v average g (not "
                                "AdamW's separate w -= lr * weight_decay * w)")
    wants = {"m": (case.beta1, 1 - case.beta1), "v": (case.beta2, 1 - case.beta2)}
    fresh = {"m": seen["g"], "v": [g * g for g in seen["g"]]}
    said = []
    for average in AVERAGES:
        olds = [np.zeros(shape), *seen[average.name][:-1]]
        found = averages.verdict(average._replace(want=wants[average.name]), olds, seen[average.name],
                                 fresh[average.name])
        if found is not None:
            said.append(found)
    if said:
        return "betas", "; ".join(said)
    if not all(np.any(seen[name][-1]) for name in ("m", "v")):
        return None  # m and v kept elsewhere: nothing to read
    late = _late_average(seen, case)
    if late is not None:
        return "order", (f"your m and v (in self.m and self.v) follow the contract, but w moved with the {late} of the "
                         f"step before: update m and v first, then move w with the new ones")
    if _eps_on_the_step(seen, case):
        return "eps", ("your m and v (in self.m and self.v) follow the contract, but w moved by lr * m_hat / "
                       "sqrt(v_hat) + eps: eps is added to the step, not to the denominator; parenthesise it, "
                       "w -= lr * m_hat / (sqrt(v_hat) + eps)")
    factors = _step_factors(seen, case)
    if factors is not None:
        return factors
    return "step", ("your m and v (in self.m and self.v) follow the contract at every step, so the mistake is in the "
                    "move of w from them: w -= lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - beta1**t) and "
                    "v_hat = v / (1 - beta2**t), both new this step")


def _averages_follow(seen: dict[str, list[np.ndarray]], case: AdamCase, grads: list[np.ndarray]) -> bool:
    """Whether the recorded m and v (one array per step) are the contract's moving averages of `grads`."""
    m, v = np.zeros_like(grads[0]), np.zeros_like(grads[0])
    for g, mine_m, mine_v in zip(grads, seen["m"], seen["v"]):
        m = case.beta1 * m + (1 - case.beta1) * g
        v = case.beta2 * v + (1 - case.beta2) * g * g
        if not (np.allclose(mine_m, m, rtol=1e-9, atol=1e-15) and np.allclose(mine_v, v, rtol=1e-9, atol=1e-15)):
            return False
    return True


def _step_factors(seen: dict[str, list[np.ndarray]], case: AdamCase) -> tuple[str, str] | None:
    """(hint id, why) when, with m and v right, each move of w is the contract's times one number per step c_t (the
    same for every entry): a step size off by a factor that depends on t, read against the usual slips in the bias
    corrections (eps, tiny against sqrt(v_hat), is left out of the readings)."""
    b1, b2 = case.beta1, case.beta2
    factors = []
    for t, (move, m, v) in enumerate(zip(seen["move"], seen["m"], seen["v"]), start=1):
        with np.errstate(divide="ignore", invalid="ignore"):
            want = -case.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + case.eps)
        if not np.all(np.isfinite(want)) or not np.any(want):
            return None
        c = float(np.sum(move * want) / np.sum(want * want))
        if not np.allclose(move, c * want, rtol=1e-6, atol=1e-12 * (1 + float(np.abs(move).max(initial=0)))):
            return None
        factors.append(c)
    ts = np.arange(1, len(factors) + 1)
    readings = [
        ((1 - b1**ts) / (1 - b1 * ts), "m_hat divides by 1 - beta1 * t where the correction is 1 - beta1**t (a power, "
                                       "not a product)"),
        ((1 - b2**ts) ** 0.5 / (1 - b1**ts), "the bias correction is applied twice: a step size already corrected, "
                                             "lr * sqrt(1 - beta2**t) / (1 - beta1**t), times the corrected m_hat / "
                                             "sqrt(v_hat); use one of the two forms"),
        ((1 - b1**ts) / (1 - b2**ts) ** 0.5, "no bias correction at all: divide m by 1 - beta1**t and v by 1 - "
                                             "beta2**t"),
        (1 - b1**ts, "m is not bias-corrected: m_hat = m / (1 - beta1**t)"),
        ((1 - b2**ts) ** 0.5, "v is not bias-corrected: v_hat = v / (1 - beta2**t)"),
        ((1 - b1**ts) ** 2 / (1 - b2**ts), "the bias corrections are inverted: m and v are multiplied by (1 - "
                                           "beta**t) where they are divided (m_hat = m / (1 - beta1**t), v_hat = v / "
                                           "(1 - beta2**t)), or a folded step size is upside down (it is lr * sqrt(1 "
                                           "- beta2**t) / (1 - beta1**t))"),
        ((1 - b2) ** (ts / 2) / (1 - b1) ** ts * (1 - b1**ts) / (1 - b2**ts) ** 0.5,
         "the power is on the wrong term: (1 - beta1)**t where the correction is 1 - beta1**t (and (1 - beta2)**t "
         "for 1 - beta2**t)"),
        ((1 - b1**ts) / (1 - b2**ts), "m_hat divides by 1 - beta2**t: each correction uses its own beta, m_hat = m / "
                                      "(1 - beta1**t)"),
        (((1 - b2**ts) / (1 - b1**ts)) ** 0.5, "v_hat divides by 1 - beta1**t: each correction uses its own beta, "
                                               "v_hat = v / (1 - beta2**t)"),
        ((1 - b1**ts) / (1 - b1**(ts + 1)) * ((1 - b2**(ts + 1)) / (1 - b2**ts)) ** 0.5,
         "the corrections use t + 1: the count runs one ahead (advance t once per step, before the corrections, "
         "starting from 0)"),
    ]
    for wanted, meaning in readings:
        if np.allclose(factors, wanted, rtol=1e-4):
            return "bias_correction", (f"your m and v follow the contract, but each move of w is the contract's times "
                                       f"{', '.join(f'{c:.4g}' for c in factors)} at steps 1 to {len(factors)}: "
                                       f"{meaning}")
    if np.allclose(factors, 1.0, rtol=1e-3):
        return None  # the moves are the contract's but for a small part (eps, say): a refit can name it
    if np.allclose(factors, factors[0], rtol=1e-6):
        return "scale", (f"your m and v follow the contract, but every move of w is {factors[0]:.4g} x the contract's: "
                         "a constant factor in the step, lr applied twice or missing, say")
    return "bias_correction", (f"your m and v of the first layer's first parameter follow the contract, but each "
                               f"of its moves is the contract's times {', '.join(f'{c:.4g}' for c in factors)} at "
                               f"steps 1 to {len(factors)} (one number per step, the same for all its entries): a "
                               "factor that changes from step to step, so look at what depends on t: the bias "
                               "corrections, m_hat = m / (1 - beta1**t) and v_hat = v / (1 - beta2**t), and t itself "
                               "(one count, advanced once per step, before any loop)")


def _eps_on_the_step(seen: dict[str, list[np.ndarray]], case: AdamCase) -> bool:
    """Whether every move of w is -(lr * m_hat / sqrt(v_hat) + eps) from your own m and v (a missing parenthesis)."""
    floor = 1e-12 * (1 + sum(float(np.abs(move).max(initial=0)) for move in seen["move"]))
    with np.errstate(divide="ignore", invalid="ignore"):
        moves = [-(case.lr * (m / (1 - case.beta1**t)) / np.sqrt(v / (1 - case.beta2**t)) + case.eps)
                 for t, (m, v) in enumerate(zip(seen["m"], seen["v"]), start=1)]
    return all(np.allclose(mine, want, rtol=1e-9, atol=floor, equal_nan=True) for mine, want in zip(seen["move"], moves))


def _late_average(seen: dict[str, list[np.ndarray]], case: AdamCase) -> str | None:
    """"v" (or "m") if every move of w is the contract's from this step's m and the previous step's v (or the
    reverse): the move came before that average's update."""
    zero = np.zeros_like(seen["m"][0])
    for late in ("v", "m"):
        moves = []
        for t in range(1, len(seen["move"]) + 1):
            m = seen["m"][t - 2] if late == "m" and t > 1 else zero if late == "m" else seen["m"][t - 1]
            v = seen["v"][t - 2] if late == "v" and t > 1 else zero if late == "v" else seen["v"][t - 1]
            with np.errstate(divide="ignore", invalid="ignore"):
                moves.append(-case.lr * (m / (1 - case.beta1**t)) / (np.sqrt(v / (1 - case.beta2**t)) + case.eps))
        # w's own size bounds the round-off of a move read as a difference of w (a huge first step makes it large)
        floor = 1e-12 * (1 + sum(float(np.abs(move).max(initial=0)) for move in seen["move"]))
        if all(np.allclose(mine, want, rtol=1e-9, atol=floor, equal_nan=True)
               for mine, want in zip(seen["move"], moves)):
            return late
    return None


def _confirms(impl: Implementation, case: AdamCase, changed: dict[str, float]) -> bool:
    """Whether your optimizer moves as the contract's would with the `changed` hyperparameters on another run: fresh
    layers, four steps of new gradients (a single step of Adam moves by about lr whatever beta1 and beta2 are)."""
    rng = np.random.default_rng(case.seed + 9)
    layers = make_layers(case.shapes, rng)
    start = _copies(layers)
    history = []
    try:
        optimizer = _optimizer(impl, layers, case)
        for _ in range(4):
            _fill(layers, rng)
            history.append(_copies(layers, _grads))
            _step(optimizer, layers)
    except CheckFailure:
        return False
    simulated = _simulated(start, history, case._replace(**changed), {})
    return simulated is not None and _matches(layers, simulated)


def check_constant_gradient(impl: Implementation, case: AdamCase) -> None:
    """k steps with a constant gradient and no weight decay land where the closed form says:
    w_k - w_0 = -k * lr * g / (|g| + eps)."""
    _run(impl, case, fresh_gradients=False)


def check_changing_gradients(impl: Implementation, case: AdamCase) -> None:
    """New gradients every step, one m and v per parameter (and weight decay when the case has it), against the
    step-by-step oracle."""
    _run(impl, case, fresh_gradients=True)


def check_descends_quadratic(impl: Implementation, case: AdamCase) -> None:
    """On L(w) = 0.5 * sum(a * (w - w*)**2), 100 steps at lr 0.1 (betas 0.9, 0.999) bring w 10x closer to w*
    (the reference: at least 76x on 1200 draws)."""
    rng = np.random.default_rng(case.seed)
    layers = make_layers(case.shapes, rng)
    curvature = [{k: rng.uniform(0.5, 2.0, v.shape) for k, v in _params(layer).items()} for layer in layers]
    target = [{k: inputs.gaussian(rng, v.shape) for k, v in _params(layer).items()} for layer in layers]

    def distance() -> float:
        return float(np.sqrt(sum(np.sum((_params(layer)[k] - t[k]) ** 2)
                                 for layer, t in zip(layers, target) for k in t)))

    bowl = case._replace(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0)
    optimizer = _optimizer(impl, layers, bowl)
    before = distance()
    uphill = 0.0  # the first step's displacement along the gradient: positive is a step against it
    for step in range(STEPS_ON_THE_BOWL):
        for layer, a, t in zip(layers, curvature, target):
            for k in _params(layer):
                _grads(layer)[k][...] = a[k] * (_params(layer)[k] - t[k])
        start = _copies(layers) if step == 0 else None
        _step(optimizer, layers)
        if start is not None:
            uphill = float(sum(np.sum((_params(layer)[k] - w0[k]) * _grads(layer)[k])
                               for layer, w0 in zip(layers, start) for k in w0))
    after = distance()
    if not after < before / CLOSER_ON_THE_BOWL:
        # A first step along the gradient is a sign error; ending farther after a first step down the slope is
        # steps too large (overshooting); merely converging too slowly can be anything.
        hint = "sign" if uphill > 0 else None
        why = ("a step goes against the gradient" if hint else
               "the first step went down the slope, yet the parameters ended farther from the minimum: later steps "
               "are too large or point uphill (compare the size and sign of the step with the update at every t, "
               "not only the first)" if after > before else "the update must follow the contract exactly")
        verdict = "does not descend" if after > before / 2 else "descends too slowly"
        if not np.isfinite(after):
            verdict, why = "does not descend", "the parameters became NaN or infinite"
        raise CheckFailure(
            f"{CLASS} {verdict}: on a simple quadratic bowl, {STEPS_ON_THE_BOWL} steps (lr 0.1, beta1 0.9, beta2 "
            f"0.999) moved the parameters from distance {before:.3g} to {after:.3g} of the minimum (expected below "
            f"{before / CLOSER_ON_THE_BOWL:.3g})\n  hint: {why}\n  {UPDATE}", tensor="params", hint=hint)



def _same_params(a: list[Any], b: list[Any]) -> bool:
    return all(_twins(_params(la)[k], _params(lb)[k]) for la, lb in zip(a, b) for k in _params(la))


def _twins(a: np.ndarray, b: np.ndarray) -> bool:
    """Two runs of your optimizer agree (to round-off; NaN where both are NaN)."""
    return np.shape(a) == np.shape(b) and bool(np.allclose(a, b, rtol=1e-12, atol=1e-15, equal_nan=True))


def _twin_runs(impl: Implementation, case: AdamCase, modes: list[str]) -> tuple[list[Any], list[Any], list, list]:
    """Two optimizers over equal toy layers fed equal gradients: one always written in place, one as `modes` say.

    Returns both sets of layers, their start and the gradient history, after stopping at the first step where
    the two disagree (or after the last step).
    """
    rng = np.random.default_rng(case.seed)
    plain = make_layers(case.shapes, rng)
    other = [ToyLayer({k: v.copy() for k, v in _params(layer).items()}) for layer in plain]
    start = _copies(plain)
    optimizers = [_optimizer(impl, layers, case) for layers in (plain, other)]
    history = []
    for mode in modes:
        if mode != "unchanged":
            fresh = [{k: inputs.gaussian(rng, g.shape) for k, g in _grads(layer).items()} for layer in plain]
            for layers, rebind in ((plain, False), (other, mode == "rebind")):
                for layer, grads in zip(layers, fresh):
                    for k, g in grads.items():
                        if rebind:
                            _grads(layer)[k] = g.copy()
                        else:
                            _grads(layer)[k][...] = g
        history.append(_copies(plain, _grads))
        for optimizer, layers in zip(optimizers, (plain, other)):
            _step(optimizer, layers, in_place=True)
        if not _same_params(plain, other):
            break
    return plain, other, start, history


def check_trainer_use(impl: Implementation, case: AdamCase) -> None:
    """Used as a trainer uses it, each step uses the gradients and the learning rate of that moment.

    Grads dicts may list their keys in another order than params, parameters may be column-major arrays or named
    otherwise than W and b, and a second optimizer follows a first. A backward may rebind `grads[k]` to a new array
    or write into it (the contract allows both), and a step may come without new gradients: your optimizer must move
    the same way in every case, whatever its update is. A schedule changes `optimizer.lr` between steps (as `gradkit
    train` does): checked only when your update is right at a constant lr (otherwise the tests of the update already
    charge the mistake). Last, a step over layers that include one without params or grads attributes (a Flatten
    layer: the optimizer skips it).
    """
    _trainer_use_with_parameters(impl, case)
    check_layers_without_params_skipped(lambda layers: _optimizer(impl, layers, case), _step, case.shapes,
                                        case.seed + 7)


def _trainer_use_with_parameters(impl: Implementation, case: AdamCase) -> None:
    """`check_trainer_use` but for the layer without params: every layer here has them (or empty dicts)."""
    make = lambda layers: _optimizer(impl, layers, case)  # noqa: E731 - the same optimizer for every twin
    check_optimizers_independent(make, _step, case.shapes, case.seed + 4, "Adam")
    check_grads_read_by_key(make, _step, case.shapes, case.seed + 2, "Adam")
    check_any_parameter_names(make, _step, case.shapes, case.seed + 5, "Adam")
    check_any_memory_order(make, _step, case.shapes, case.seed + 3, "Adam")
    for decay in (0.0, case.weight_decay):  # a step may write into grads only without weight decay (g = grad)
        check_grads_left_alone(lambda layers: _optimizer(impl, layers, case._replace(weight_decay=decay)), _step,
                               case.shapes, case.seed + 6)
    modes = ["rebind", "in place", "unchanged", "rebind", "in place"]
    plain, other, start, history = _twin_runs(impl, case, modes)
    if not _same_params(plain, other):
        mode = modes[len(history) - 1]
        why = ("after backward put a new array in grads[k] (`self.grads['W'] = dW`, which the contract allows), your "
               "step did not use it: read layer.grads[k] at every step instead of keeping the arrays you saw earlier "
               "(in __init__ or a first step)" if mode == "rebind" else
               "your parameters moved differently when the gradients were written in place than when they were "
               "new arrays: read layer.grads[k] as it is at every step")
        number, k = next((i, k) for i, (a, b) in enumerate(zip(plain, other)) for k in _params(a)
                         if not _twins(_params(a)[k], _params(b)[k]))
        labels = ("with new arrays", "with gradients written in place")
        raise CheckFailure(
            f"{CLASS}.step: params[{k!r}] of layer {number} differs after {len(history)} steps depending on how the "
            f"gradients were stored (step {len(history)}: {mode})\n"
            f"  {_worst(_params(other[number])[k], _params(plain[number])[k], start[number][k], k, labels)}\n"
            f"  hint: {why}\n  case: {case._replace(steps=len(history))}",
            tensor=f"params[{k!r}]", hint="stale_grads")
    if not _matches(plain, expected_trajectory(start, history, case)):
        return  # the update itself is wrong: its own tests charge that, a schedule cannot be judged
    rng = np.random.default_rng(case.seed + 1)
    layers = make_layers(case.shapes, rng)
    start = _copies(layers)
    optimizer = _optimizer(impl, layers, case)
    schedule, history = [case.lr, case.lr / 2, case.lr / 10, case.lr], []
    for lr in schedule:
        call(optimizer, "__setattr__", "lr", lr)
        _fill(layers, rng)
        history.append(_copies(layers, _grads))
        _step(optimizer, layers, in_place=True)
    expected = expected_trajectory(start, history, case, lrs=schedule)
    if not _matches(layers, expected) and _matches(
            replayed(make, _step, start, history),
            expected_trajectory(start, history, case)):  # else the update itself is wrong: its own tests charge it
        number, k = next((i, k) for i, (layer, want) in enumerate(zip(layers, expected)) for k in want
                         if not _close(_params(layer)[k], want[k]))
        raise CheckFailure(
            f"{CLASS}.step: params[{k!r}] of layer {number} is wrong after {len(schedule)} steps with the learning "
            f"rate set to {schedule} between steps (right at a constant lr)\n"
            f"  {_worst(_params(layers[number])[k], expected[number][k], start[number][k], k)}\n"
            "  hint: a schedule sets optimizer.lr between steps: read self.lr in every step() (not a copy made in "
            "__init__ or on an earlier step, nor a step size computed from it once)"
            f"\n  case: {case._replace(steps=len(schedule))}", tensor=f"params[{k!r}]", hint="lr_schedule")


def _move_alike(impl: Implementation, case: Any, first: dict[str, float], second: dict[str, float]) -> bool:
    """Whether Adam(**first) and Adam(**second) move equal layers alike (`toy_layers.move_alike`)."""
    return move_alike(lambda layers, kwargs: construct(impl.Adam, layers, **kwargs), _step, _same_params,
                      case.shapes, case.seed, first, second, scale=1e-7)


def check_defaults(impl: Implementation, case: AdamCase) -> None:
    """Adam(layers) moves exactly as Adam(layers, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0).

    The gradients are tiny (about 1e-7), so eps weighs as much as sqrt(v_hat) and a different default eps shows."""
    if _move_alike(impl, case, {}, DEFAULTS):
        return
    if not _move_alike(impl, case, DEFAULTS, DEFAULTS):
        return  # two equally built optimizers already move apart (shared state): not the defaults; its test charges it
    settings = ", ".join(f"{name}={value:g}" for name, value in DEFAULTS.items())
    raise CheckFailure(
        f"{CLASS}(layers), with no other arguments, moved the parameters differently from {CLASS}(layers, "
        f"{settings}): keep the contract's defaults in __init__'s signature", tensor="defaults", hint="defaults")
