"""The layer contract, checked before any maths: types, shapes, dtypes, finiteness, no mutation,
grads set (not accumulated), the same result twice, backward linear in `dout`.

`checked_forward` and `checked_backward` are the only way the other checks call a layer, so a
wrong shape or a NaN is reported as such, never as a confusing gradient error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gradkit.checker import hints
from gradkit.checker.guard import call
from gradkit.checker.results import CheckFailure, NotImplementedYet, StudentCodeError, StudentTimeout


def _first_index(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _fmt(index: tuple[int, ...]) -> str:
    return ",".join(map(str, index))


def require_array(value: Any, label: str, what: str) -> np.ndarray:
    """`value` must be a NumPy array; `what` names it in the message ("the output", "dx")."""
    if value is None:
        raise CheckFailure(f"{label} returned None; it must return {what} (a missing `return`?)")
    if isinstance(value, tuple):
        raise CheckFailure(f"{label} returned a tuple of {len(value)}; it must return only {what}, one array")
    if isinstance(value, np.generic):  # a NumPy scalar: an array reduced to one number
        raise CheckFailure(f"{label} returned a single number (a NumPy {type(value).__name__}); it must return {what} as "
                           "a numpy.ndarray\n  hint: a reduction (np.max, np.sum, np.mean: np.max(x, 0) takes the "
                           "maximum along axis 0) where an element-wise operation belongs (np.maximum(x, 0) compares "
                           "each entry with 0)", hint="shape")
    if not isinstance(value, np.ndarray):
        raise CheckFailure(f"{label} returned a {type(value).__name__}; it must return {what} as a numpy.ndarray")
    return value


def require_shape(value: np.ndarray, shape: tuple[int, ...], label: str, formula: str,
                  tensor: str = "shape") -> None:
    if value.shape != tuple(shape):
        raise CheckFailure(
            f"{label} returned shape {value.shape}; expected {tuple(shape)}\n  expected shape: {formula}"
            + _squeezed(value.shape, tuple(shape), like_x=formula.startswith("the shape of x")), tensor=tensor,
            hint="shape",
        )


def _squeezed(yours: tuple[int, ...], expected: tuple[int, ...], like_x: bool = False) -> str:
    """A hint line when `yours` is `expected` less axes of size 1: .squeeze() drops N or C when they are 1 too; or,
    for an array that must have x's shape (`like_x`), when it is flat and shorter: a boolean index."""
    differ = [axis for axis, (a, b) in enumerate(zip(yours, expected)) if a != b]
    if len(yours) == len(expected) and len(differ) == 2 and sorted(yours) == sorted(expected):
        i, j = differ
        return (f"\n  hint: your shape holds the expected sizes with axes {i} and {j} swapped: a transpose (or an "
                f"einsum's output subscripts, or a reshape) puts them in the wrong order; the layout is the expected "
                f"shape's, axis by axis")
    kept = tuple(n for n in expected if n != 1)
    if len(yours) >= len(expected) or tuple(n for n in yours if n != 1) != kept:
        if len(yours) == 1 and len(expected) > 1 and yours[0] == int(np.prod(expected)):
            return ("\n  hint: your output has the right number of entries in one flat axis: it was flattened (ravel, "
                    "flatten, reshape(-1)) and never reshaped back; reshape it to the expected shape")
        if like_x and len(yours) == 1 and yours[0] < int(np.prod(expected)):
            return ("\n  hint: a flat array with fewer entries than expected: a boolean index (dout[x > 0], "
                    "a[mask]) keeps only the selected entries, in one flat axis; keep the shape with dout * (x > 0) "
                    "or np.where(x > 0, dout, 0)")
        return ""
    flat = (len(yours) == 1 and len(expected) > 1 and yours[0] == int(np.prod(expected))
            and sum(n != 1 for n in expected) <= 1)  # (1, 1) -> (1,): a flatten or a squeeze, this case cannot tell
    if flat:
        return ("\n  hint: your output lost axes of size 1: a flatten (ravel, flatten, reshape(-1)) never reshaped back, or "
                "a .squeeze() (it removes every axis of size 1, N or C too); reshape to the expected shape")
    return ("\n  hint: your output lost axes of size 1: .squeeze() removes every axis of size 1 (N or C too, when they are "
            "1), not only the ones you mean, and a reduction without keepdims=True (x.max(axis=(2, 3))) drops the "
            "axes it reduces, even where the result should keep them with length 1; reshape to the expected shape")


def require_dtype(value: np.ndarray, dtype: np.dtype, label: str, what: str, tensor: str = "dtype") -> None:
    if value.dtype != dtype:
        if not np.issubdtype(value.dtype, np.floating):
            advice = _dtype_advice(value.dtype).removeprefix("; ")
        else:
            advice = ("return the input's dtype (cast with `.astype(x.dtype)`: parameters, masks and constants can "
                      "turn float32 into float64)")
        raise CheckFailure(f"{label} returned {what} of dtype {value.dtype} for {dtype} input; {advice}",
                           tensor=tensor, hint="dtype")


def require_finite(value: np.ndarray, label: str, name: str) -> None:
    bad = ~np.isfinite(value)
    if bad.any():
        raise CheckFailure(
            f"{label} returned NaN or inf in {name} ({int(bad.sum())} of {value.size} entries, "
            f"first at {name}[{_fmt(_first_index(bad))}])",
            tensor=name,
        )


def require_unchanged(before: np.ndarray, after: np.ndarray, label: str, name: str) -> None:
    """`after` (the array the student was given) must still equal `before` (our copy)."""
    if after.shape != before.shape or not np.array_equal(before, after, equal_nan=True):
        if after.shape != before.shape:
            change = f"its shape changed from {before.shape} to {after.shape}"
        else:
            idx = _first_index(before != after)
            change = f"{name}[{_fmt(idx)}] changed from {before[idx]:.10g} to {after[idx]:.10g}"
        raise CheckFailure(
            f"{label} modified its argument {name} in place ({change}); compute on a copy, never write into {name}",
            tensor=f"{name} (mutated)", hint="mutation",
        )


def unusable_if_failing(step: Callable[[], Any]) -> Any:
    """`step()`, whose failure (forward raised, returned no array, or the wrong shape) marks forward's output as
    unusable on this case; a timeout or a stub is not marked (they are charged wherever they happen)."""
    try:
        return step()
    except (NotImplementedYet, StudentTimeout):
        raise
    except CheckFailure as failure:
        failure.unusable_forward = True
        raise


def checked_forward(layer: Any, x: np.ndarray, out_shape: tuple[int, ...], formula: str,
                    keep_input: bool = True, order: str = "C") -> np.ndarray:
    """`layer.forward(x)` on a copy of `x` in memory order `order` ("F": column-major, as a transpose or slice is not
    row-major either), checked: an array of `out_shape`, x's dtype, finite, and (unless `keep_input` is False, as in
    gradient checks, which never reuse the copy) x unchanged."""
    label = f"{type(layer).__name__}.forward"
    given = x.copy(order=order)
    out = unusable_if_failing(lambda: require_array(call(layer, "forward", given), label, "the output"))
    if keep_input:
        require_unchanged(x, given, label, "x")
    unusable_if_failing(lambda: require_shape(out, out_shape, label, formula))
    require_dtype(out, x.dtype, label, "the output")
    require_finite(out, label, "out")
    return out.copy()


FRESH_FORWARDS = 8  # a random entry of two equally likely values comes back all 8 times with probability 2**-8


def _why_not_repeatable(layer: Any, x: np.ndarray, dout: np.ndarray, name: str, first: np.ndarray
                        ) -> tuple[str, str]:
    """Two backward calls after one forward disagreed: tell a changed cache from a result that is never repeatable.

    A fresh forward before a third backward restores a cache the first backward wrote into, so the first result
    comes back, every time; entries that are never written (np.empty) or random numbers do not come back (on a tiny
    case a random result may come back once by chance, hence several fresh forwards). First, whether backward
    writes into an array forward left on the layer: that names the very attribute."""
    call(layer, "forward", x.copy())
    cached = {key: value.copy() for key, value in getattr(layer, "__dict__", {}).items()
              if isinstance(value, np.ndarray)}
    checked_backward(layer, dout, x)
    written = sorted(key for key, value in cached.items() if not (
        isinstance(getattr(layer, key, None), np.ndarray) and getattr(layer, key).shape == value.shape
        and np.array_equal(getattr(layer, key), value, equal_nan=True)))
    if written:
        names = " and ".join(f"self.{key}" for key in written)
        return (f"backward changed {names}, which forward cached: an in-place operation on it (*=, /=, -=, or "
                f"a name bound to it and then changed); compute on a copy and leave the cache as forward left it"), \
            "cache_written"
    for _ in range(FRESH_FORWARDS):
        call(layer, "forward", x.copy())
        dx, grads = checked_backward(layer, dout, x)
        again = dx if name == "dx" else grads[name[1:]]
        if not np.allclose(again, first, rtol=1e-5, atol=1e-7):
            break
    else:
        return ("after a fresh forward the first result comes back: your backward changes what forward cached (an "
                "in-place operation such as *= or -= on a cached array); work on a copy"), "cache_written"
    return f"even after a fresh forward it is not repeatable: {hints.not_repeatable(name)}", "unwritten"


def checked_backward(layer: Any, dout: np.ndarray, x: np.ndarray, only: str | None = None,
                     after: Any = None) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
    """`layer.backward(dout)` on a copy of `dout`, checked: dx like x, grads like params, finite, dout unchanged.

    Returns copies of dx and of every grads[k], so later calls cannot change them. With `only` ("x" or a
    params key) just that tensor is checked and returned (dx is None, or grads holds that key alone): a
    gradient test judges its own tensor, and leaves a mutated dout or another tensor's shape to the tests
    that own them, so one mistake costs one test's points. `after`, what the forward before returned, lets a
    backward that raises after a wrongly shaped forward be blamed on that forward (`backward_after_forward`).
    """
    label = f"{type(layer).__name__}.backward"
    given = dout.copy()
    returned = backward_after_forward(layer, after, given)
    if only is None:
        require_unchanged(dout, given, label, "dout")
    if only not in (None, "x"):
        return None, checked_grads(layer, label, only)
    dx = require_array(returned, label, "dx")
    named = "dx" if only else "shape"  # a contract test reports the kind of mistake, a gradient test its tensor
    if dx.shape != x.shape and dx.ndim == x.ndim and 0 in dx.shape:
        padded = dx.ndim == 4  # an image layer's padded gradient, cropped to nothing
        raise CheckFailure(
            f"{label} returned an empty dx of shape {dx.shape}; expected the shape of x, {x.shape}\n"
            + ("  hint: crop the padded gradient with dx_pad[:, :, p:p+H, p:p+W]; [p:-p] is empty when p = 0" if padded
               else "  hint: a boolean index (dout[mask]) keeps only the selected entries, in one flat axis, and "
                    "none were selected here; keep x's shape with dout * mask or np.where(mask, dout, 0)"),
            tensor=named, hint="border" if padded else "shape",
        )
    shorter = dx.ndim == x.ndim == 4 and dx.shape[:2] == x.shape[:2] and all(
        a <= b for a, b in zip(dx.shape[2:], x.shape[2:]))
    # A whole-image reduction's gradient, never spread out: only where the output dropped H and W (a global pool);
    # a dx cut short by a buffer sized from the output can be 1x1 too.
    one_per_channel = shorter and dx.shape[2:] == (1, 1) and dout.ndim == 2
    require_shape(dx, x.shape, label, f"the shape of x, {x.shape}" + (
        "\n  hint: your dx holds one number per image and channel: every pixel of x needs its own gradient; spread "
        "it back over the pixels it came from (a global average sends dout / (H*W) to each: np.broadcast_to(dout"
        "[:, :, None, None] / (H * W), x.shape))" if one_per_channel else
        ("\n  hint: every pixel of x has a gradient, also rows and columns that no window reaches (theirs is 0): "
         "size dx, or the padded dx, from x's shape (H + 2*padding, W + 2*padding), not from the output size, and "
         "crop the padding with [:, :, p:p+H, p:p+W] (H for the rows, W for the columns)" if hasattr(layer, "padding")
         else "\n  hint: every pixel of x has a gradient, also rows and columns that no window reaches (theirs is "
              "0): size dx from x's shape (np.zeros_like(x)), not from the output size ((H_out - 1) * stride + KH "
              "falls short where rows or columns are left over)")
        if shorter else ""), tensor=named)
    require_dtype(dx, x.dtype, label, "dx", tensor="dx" if only else "dtype")
    try:
        require_finite(dx, label, "dx")
    except CheckFailure as failure:
        if np.all(np.isfinite(dout)) and np.all(np.isfinite(x)):
            failure.message += ("\n  hint: dout and x are finite, so backward divided by 0 (or overflowed): a "
                                "division by an array that holds zeros, such as a mask (dout / mask where dout * mask "
                                "belongs) or a cached output")
        raise
    return dx.copy(), ({} if only == "x" else checked_grads(layer, label))


def checked_grads(layer: Any, label: str, only: str | None = None) -> dict[str, np.ndarray]:
    """Copies of `layer.grads` (of `only` alone if given), each checked against its parameter."""
    params, grads = getattr(layer, "params", None), getattr(layer, "grads", None)
    if not isinstance(params, dict) or not isinstance(grads, dict):
        raise CheckFailure(f"{type(layer).__name__} must keep `params` and `grads` dicts (the constructor makes them)")
    if only is None and set(grads) != set(params):
        raise CheckFailure(f"after {label}, grads has keys {sorted(grads)}; expected the keys of params {sorted(params)}")
    if only is not None and only not in grads:
        raise CheckFailure(f"after {label}, grads has no key {only!r}; it must hold one gradient per parameter",
                           tensor=f"d{only}")
    copies = {}
    for key in [only] if only is not None else list(params):
        param, grad = params[key], grads[key]
        if not isinstance(grad, np.ndarray):
            raise CheckFailure(
                f"after {label}, grads[{key!r}] is a {type(grad).__name__}; it must be an array shaped like "
                f"params[{key!r}] {param.shape} (one gradient per parameter entry)", tensor=f"d{key}", hint="shape",
            )
        if grad.shape != param.shape:
            raise CheckFailure(
                f"after {label}, grads[{key!r}] has shape {grad.shape}; it must match params[{key!r}] {param.shape}"
                + _shape_advice(key, grad.shape, param.shape),
                tensor=f"d{key}", hint="transpose" if grad.shape == param.shape[::-1] else "shape",
            )
        if isinstance(param, np.ndarray) and param.dtype != np.float64:
            raise params_replaced(type(layer).__name__, key, f"is {param.dtype} after {label}")
        if grad.dtype != param.dtype:
            also = [k for k in params if k != key and isinstance(grads.get(k), np.ndarray)
                    and grads[k].dtype == grad.dtype != params[k].dtype] if only is None else []
            raise CheckFailure(
                f"after {label}, grads[{key!r}] has dtype {grad.dtype}; it must match params[{key!r}] ({param.dtype})"
                + "".join(f" (so must grads[{k!r}], also {grad.dtype})" for k in also)
                + _dtype_advice(grad.dtype), tensor=f"d{key}", hint="dtype",
            )
        require_finite(grad, label, f"d{key}")
        copies[key] = grad.copy()
    return copies


def params_replaced(cls: str, key: str, how: str) -> CheckFailure:
    """A layer's forward or backward put a new array (a cast copy, say) in params[key]."""
    return CheckFailure(
        f"{cls}: params[{key!r}] {how}: your layer replaced the parameter array (e.g. `self.params[{key!r}] = "
        f"self.params[{key!r}].astype(x.dtype)`, a new array each call), so an optimizer's in-place updates are lost\n"
        f"  hint: keep params float64 and unchanged; cast into a local name: {key} = self.params[{key!r}]"
        f".astype(x.dtype)", tensor="params", hint="params_replaced")


def _shape_advice(key: str, got: tuple[int, ...], want: tuple[int, ...]) -> str:
    """Why a gradient has the wrong shape, in the words of the usual mistake."""
    if got == want[::-1] and len(want) == 2:
        return " (yours is transposed: for out = x @ W, dW = x.T @ dout)"
    reshaped = (f"; or params[{key!r}] itself was reshaped (by forward, say), while it must keep the shape the "
                f"constructor gave it: reshape a local copy" if len(got) > len(want) else "")
    if len(got) == len(want) and sorted(got) == sorted(want):
        return (" (the right axes in another order: a transpose, or an einsum's output subscripts, puts them where "
                "the parameter's order does not have them; reshape cannot fix the order of the axes)")
    if tuple(n for n in got if n != 1) == tuple(n for n in want if n != 1):
        return (f" (an extra axis of length 1: sum without keepdims=True, or reshape to the parameter's shape"
                f"{reshaped}; or a sum that misses axes which happen to have length 1 here: sum over every axis the "
                f"parameter does not have)")
    if int(np.prod(got)) == int(np.prod(want)):
        return (f" (the right number of entries in another layout: reshape cannot fix the order of the axes"
                f"{reshaped})")
    if key == "b":
        return (f"\n  hint: db has one entry per {'filter' if len(want) == 1 else 'output'}: sum dout over every "
                "axis except that one (the batch, and for a convolution the output pixels)")
    return "\n  hint: a gradient has the shape of what it differentiates: check which axes your products and sums keep"


def _dtype_advice(dtype: np.dtype) -> str:
    if dtype == np.bool_:
        return ("; a boolean array is what a comparison returns: `dout * mask > 0` compares the product (write "
                "`dout * (x > 0)`), or the array was allocated as bool; gradients need float arrays")
    if not np.issubdtype(dtype, np.floating):
        return ("; an integer or boolean array cannot hold gradients (the fractions were cut off): allocate float "
                "arrays, e.g. np.zeros(shape) or np.zeros_like(x, dtype=float); an np.vectorize without "
                "otypes=[float] takes its type from its first result (max(v, 0) can give the int 0)")
    return ""


def backward_after_forward(layer: Any, forward_out: Any, dout: np.ndarray) -> Any:
    """`layer.backward(dout)` right after a forward that returned `forward_out`; `dout` has the contract's shape.

    If backward raises and that forward's output had another shape, backward ran on what forward cached for
    the wrong shape: the forward is the mistake (its own tests charge it), so the failure says that instead of
    pointing at backward's line, which may well be right.
    """
    try:
        return call(layer, "backward", dout)
    except StudentCodeError as error:
        shape = getattr(forward_out, "shape", None)
        if not isinstance(shape, tuple) or shape == dout.shape:
            raise
        cls = type(layer).__name__
        what = str(error).splitlines()[0].split(" raised ", 1)[-1]  # "ValueError: ..." without "X.backward raised"
        failure = CheckFailure(
            f"{cls}.backward could not be judged: your forward returned shape {shape} where {dout.shape} is expected, "
            f"and backward, given a dout of the expected shape, raised {what}"
            f"\n  hint: fix the forward's output size first (the forward tests give the formula); backward is judged "
            "once the forward's shape is right", tensor="shape", hint="shape")
        failure.unusable_forward = True
        raise failure from None


def aliased_grads_hint(layer: Any) -> str | None:
    """What to say when a layer's grads[k] is the very memory of a parameter: every gradient written into it
    overwrites the weights (None when no gradient shares a parameter's memory)."""
    params, grads = getattr(layer, "params", None), getattr(layer, "grads", None)
    if not isinstance(params, dict) or not isinstance(grads, dict):
        return None
    shared = [key for key, g in grads.items() for p in params.values()
              if isinstance(g, np.ndarray) and isinstance(p, np.ndarray) and np.shares_memory(g, p)]
    if not shared:
        return None
    key = shared[0]
    return (f"your grads[{key!r}] shares its memory with a parameter (params[{key!r}] itself, say): writing the "
            f"gradient into it overwrites the weights, and what reads them next reads the gradient; give grads "
            f"arrays of their own (np.zeros_like(W)): dict(self.params) copies the dict, not its arrays")


def _not_linear(name: str, dout: np.ndarray, once: np.ndarray, twice: np.ndarray,
                at: Callable[[float], np.ndarray]) -> tuple[str, str]:
    """(why, hint id) for a gradient `once` that did not double with dout (`twice`); `at(k)` is the gradient for
    k * dout. Each reading must hold at every scale tried, in this order: dout entering twice (4 times); the same
    gradient for every dout (dout ignored, or every entry capped), which fits the later ones too; a cap; a rounding
    to whole numbers (seen where the gradient reaches about 100); a constant term (seen at 3 * dout too)."""
    scale = max(float(np.abs(once).max(initial=0)), 1e-12)
    if np.abs(twice - 4 * once).max(initial=0) <= 1e-6 * scale:
        return ("it gave 4 times: dout enters twice, through something computed from dout (a gradient of this call, "
                "such as dW where W belongs, or a cache backward overwrote with it)", "ignores_dout")
    k = 100.37 / scale  # not a whole factor: k * dout is not whole either
    large = at(k)
    if np.array_equal(once, twice) and np.array_equal(once, large):
        return (f"it gave the same {name} for every dout: dout is ignored (a mask, a slope or a constant returned "
                "without multiplying it by dout), or every entry is capped (np.clip)", "ignores_dout")
    cap = float(np.abs(twice).max(initial=0))
    if np.any(np.abs(2 * once) > cap * (1 + 1e-6)) and np.allclose(large, np.clip(k * once, -cap, cap), rtol=1e-9,
                                                                    atol=0):
        return (f"the entries of {name} beyond {cap:.4g} are capped there, at every scale: it is clipped (np.clip, "
                "np.minimum); a backward passes the gradient on whole", "ignores_dout")
    if (np.abs(large).max(initial=0) >= 10 and np.array_equal(large, np.round(large))  # whole, and not a cap at 1
            and not np.array_equal(k * dout, np.round(k * dout))):
        return (f"every entry of {name} is a whole number, also where it reaches about 100: a floor division // where "
                "/ belongs, or a cast to an integer type (astype(int), int(), an integer buffer), rounds the "
                "gradient", "dtype")
    offset = 2 * once - twice  # dx = a * dout + c gives c here, and 3 * once - 2 * c at 3 * dout
    shifted = offset[np.abs(offset) > 1e-12 * scale]  # c may be 0 where a mask zeroes the whole entry
    if shifted.size and np.allclose(shifted, shifted[0], rtol=1e-9, atol=0) and np.allclose(
            at(3.0), 3 * once - 2 * offset, rtol=1e-9, atol=1e-12 * scale):
        return (f"entries of {name} hold a constant {float(shifted[0]):+.4g} that does not scale with dout: "
                "something is added or subtracted (a missing parenthesis: dout / 1 - p is (dout / 1) - p)",
                "ignores_dout")
    return "is dout ignored somewhere, or is a constant added?", "ignores_dout"


def check_backward_contract(layer: Any, x: np.ndarray, dout: np.ndarray, out_shape: tuple[int, ...], formula: str) -> None:
    """The same dout twice gives the same dx and grads (grads are set, not accumulated); 2*dout doubles them.

    dout has the contract's output shape, whatever shape forward returned."""
    label = f"{type(layer).__name__}.backward"
    # forward only fills the cache here: its output is its own tests' business
    given = x.copy()
    out = unusable_if_failing(lambda: call(layer, "forward", given))
    unchanged_by_forward = np.array_equal(given, x)  # else forward's own test charges it
    returned = out.copy() if isinstance(out, np.ndarray) else None
    params = {k: p.copy() for k, p in (getattr(layer, "params", None) or {}).items() if isinstance(p, np.ndarray)}
    dx1, g1 = checked_backward(layer, dout, x, after=out)
    if unchanged_by_forward and not np.array_equal(given, x):
        raise CheckFailure(
            f"{label} changed the x that forward was given (a network still holds it: the previous layer's output)"
            "\n  hint: forward may keep a reference to x for backward, but backward must not write into it "
            "(`self.x[self.x <= 0] = 0` does): build the mask or any other array as a new one, e.g. self.x > 0",
            tensor="x (mutated)", hint="mutation")
    if returned is not None and not np.array_equal(returned, out, equal_nan=True):
        raise CheckFailure(
            f"{label} changed the output that forward returned (a network still holds it: the next layer's input)"
            "\n  hint: forward may keep a reference to its output for backward, but backward must not write into it "
            "(`self.out[self.out > 0] = 1` does): build the mask or any other array as a new one, e.g. self.out > 0",
            tensor="out (mutated)", hint="mutation")
    for key, before in params.items():
        after = layer.params.get(key)
        if not isinstance(after, np.ndarray) or after.shape != before.shape or not np.array_equal(after, before):
            alias = aliased_grads_hint(layer)
            raise CheckFailure(
                f"{label} changed params[{key!r}]: backward only computes gradients (into grads); the optimizer "
                "updates the parameters, once per step" + (f"\n  hint: {alias}" if alias else ""),
                tensor=f"params[{key!r}]", hint="mutation")
    try:
        dx2, g2 = checked_backward(layer, dout, x)
    except StudentCodeError as failure:
        failure.message += ("\n  hint: the first backward after this forward worked and the second raised: backward "
                            "used up its cache (list.pop, del, or set to None); read what forward cached and leave it, "
                            "since backward may be called again before the next forward")
        failure.hint = "cache_consumed"
        failure.tensor = failure.tensor or "dx"  # the second call's dx is what could not be computed
        raise
    doubled = [key for key in g1 if not np.array_equal(g2[key], g1[key]) and np.allclose(g2[key], 2 * g1[key], rtol=1e-4)]
    if doubled:
        names = " and ".join(f"grads[{key!r}]" for key in doubled)
        raise CheckFailure(
            f"{label} adds to {names} instead of setting {'them' if len(doubled) > 1 else 'it'}: a second call with "
            f"the same dout doubled {'them' if len(doubled) > 1 else 'it'}; write `self.grads[{doubled[0]!r}] = ...` "
            "(or fill it with [...] = ), never `+=` across calls",
            tensor=f"d{doubled[0]}", hint="accumulate",
        )
    for name, a, b in [("dx", dx1, dx2)] + [(f"d{k}", g1[k], g2[k]) for k in g1]:
        if not np.allclose(a, b, rtol=1e-5, atol=1e-7):
            why, hint = _why_not_repeatable(layer, x, dout, name, a)
            raise CheckFailure(
                f"{label} gave a different {name} when called twice with the same dout; backward must depend only on "
                f"the cache from forward and on dout\n  hint: {why}", tensor=name, hint=hint,
            )
    dx3, g3 = checked_backward(layer, 2 * dout, x)
    rtol = 100 * float(np.finfo(x.dtype).eps)
    for name, once, twice in [("dx", dx1, dx3)] + [(f"d{k}", g1[k], g3[k]) for k in g1]:
        scale = max(float(np.abs(once).max(initial=0)), 1e-12)
        if np.abs(twice - 2 * once).max(initial=0) > rtol * scale:
            def at(factor: float, key: str = name) -> np.ndarray:
                dx, grads = checked_backward(layer, factor * dout, x)
                return dx if key == "dx" else grads[key[1:]]

            why, hint = _not_linear(name, dout, once, twice, at)
            raise CheckFailure(
                f"{label} is not linear in dout: backward(2 * dout) did not give twice {name}; every gradient must be "
                f"dout times something from the cache ({why})", tensor=name, hint=hint)
