"""The vectorised reference (solutions/) agrees with the independent loop implementation (tests/naive/).

Hypothesis draws shapes, settings and a seed; the values come from ``np.random.default_rng(seed)``. The naive
code always runs in float64 and serves as the oracle, also for the reference's float32 runs.
"""

import importlib.util
from pathlib import Path
from typing import NamedTuple

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import solutions

NAIVE_DIR = Path(__file__).resolve().parents[1] / "naive"

FAST = settings(max_examples=100, deadline=None, database=None, derandomize=True)
DTYPES = st.sampled_from([np.float64, np.float32])


def load_naive(name):
    """Import tests/naive/<name>.py by path (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"gradkit_selftest_naive_{name}", NAIVE_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


naive_conv = load_naive("conv")
naive_pool = load_naive("pool")
naive_relu = load_naive("relu")
naive_linear = load_naive("linear")
naive_softmax_ce = load_naive("softmax_ce")
naive_sgd_momentum = load_naive("sgd_momentum")


def assert_close(actual, expected, dtype, name):
    """actual (computed in dtype) matches the float64 oracle within that dtype's precision."""
    tol = 1e-10 if dtype == np.float64 else 2e-5
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol * scale, err_msg=name)


def assert_array_like(array, shape, dtype, name):
    assert isinstance(array, np.ndarray), f"{name} is a {type(array).__name__}, not an ndarray"
    assert array.shape == tuple(shape), f"{name} has shape {array.shape}, expected {tuple(shape)}"
    assert array.dtype == dtype, f"{name} has dtype {array.dtype}, expected {np.dtype(dtype)}"


def copy_params(source, target):
    """Give target the same parameter values as source (fresh copies)."""
    for name, value in source.params.items():
        target.params[name] = value.copy()


def check_layer_pair(reference, naive, x, dout_rng):
    """Run forward and backward on both layers; compare outputs, dx and every gradient. Return dx."""
    dtype = x.dtype
    x_before = x.copy()
    out = reference.forward(x)
    out_naive = naive.forward(x.astype(np.float64))
    assert_array_like(out, out_naive.shape, dtype, "out")
    assert_close(out, out_naive, dtype, "out")

    dout = dout_rng.standard_normal(out.shape).astype(dtype)
    dout_before = dout.copy()
    dx = reference.backward(dout)
    dx_naive = naive.backward(dout.astype(np.float64))
    assert_array_like(dx, x.shape, dtype, "dx")
    assert_close(dx, dx_naive, dtype, "dx")
    for name, param in reference.params.items():
        grad = reference.grads[name]
        assert_array_like(grad, param.shape, param.dtype, f"grads[{name!r}]")
        assert_close(grad, naive.grads[name], dtype, f"grads[{name!r}]")

    np.testing.assert_array_equal(x, x_before, err_msg="forward/backward wrote into x")
    np.testing.assert_array_equal(dout, dout_before, err_msg="backward wrote into dout")

    # grads are set, not accumulated: a second backward gives the same gradients
    first = {name: grad.copy() for name, grad in reference.grads.items()}
    reference.backward(dout)
    for name, grad in reference.grads.items():
        np.testing.assert_array_equal(grad, first[name], err_msg=f"second backward changed grads[{name!r}]")
    return dx


# ---------------------------------------------------------------------------------------------------- conv


class ConvCase(NamedTuple):
    N: int
    C: int
    F: int
    H: int
    W: int
    KH: int
    KW: int
    stride: int
    padding: int
    dtype: type
    seed: int


@st.composite
def conv_cases(draw):
    KH, KW = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.integers(0, 2))
    H = draw(st.integers(max(1, KH - 2 * padding), 8))
    W = draw(st.integers(max(1, KW - 2 * padding), 8))
    return ConvCase(
        N=draw(st.integers(1, 3)),
        C=draw(st.integers(1, 3)),
        F=draw(st.integers(1, 3)),
        H=H,
        W=W,
        KH=KH,
        KW=KW,
        stride=draw(st.integers(1, 3)),
        padding=padding,
        dtype=draw(DTYPES),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


def make_conv_pair(case):
    args = (case.C, case.F, (case.KH, case.KW), case.stride, case.padding)
    reference = solutions.Conv2D(*args, rng=np.random.default_rng(case.seed))
    naive = naive_conv.Conv2D(*args, rng=np.random.default_rng(case.seed))
    reference.params["b"] = np.random.default_rng(case.seed + 1).standard_normal(case.F)
    copy_params(reference, naive)
    return reference, naive


@FAST
@given(case=conv_cases())
def test_conv_matches_naive_loops(case):
    reference, naive = make_conv_pair(case)
    rng = np.random.default_rng(case.seed)
    x = rng.standard_normal((case.N, case.C, case.H, case.W)).astype(case.dtype)
    check_layer_pair(reference, naive, x, rng)
    H_out = (case.H + 2 * case.padding - case.KH) // case.stride + 1
    W_out = (case.W + 2 * case.padding - case.KW) // case.stride + 1
    assert reference.forward(x).shape == (case.N, case.F, H_out, W_out)


def test_conv_covers_the_awkward_cases_explicitly():
    # stride does not divide, padding, KH != KW, H != W, C != F, N > 1, float32
    cases = [
        ConvCase(2, 3, 2, 7, 6, 3, 2, 2, 1, np.float32, 0),
        ConvCase(1, 2, 3, 5, 8, 2, 3, 3, 2, np.float64, 1),
        ConvCase(3, 1, 4, 4, 4, 3, 3, 1, 0, np.float64, 2),
    ]
    for case in cases:
        reference, naive = make_conv_pair(case)
        rng = np.random.default_rng(case.seed)
        x = rng.standard_normal((case.N, case.C, case.H, case.W)).astype(case.dtype)
        check_layer_pair(reference, naive, x, rng)


# ---------------------------------------------------------------------------------------------------- pool


class PoolCase(NamedTuple):
    N: int
    C: int
    H: int
    W: int
    KH: int
    KW: int
    stride: int
    dtype: type
    seed: int


@st.composite
def pool_cases(draw):
    KH, KW = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return PoolCase(
        N=draw(st.integers(1, 3)),
        C=draw(st.integers(1, 3)),
        H=draw(st.integers(KH, 8)),
        W=draw(st.integers(KW, 8)),
        KH=KH,
        KW=KW,
        stride=draw(st.integers(1, 3)),  # stride < kernel gives overlapping windows
        dtype=draw(DTYPES),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


def distinct_values(rng, shape, dtype):
    """Values without ties (a shuffled grid), so every window has a single maximum."""
    size = int(np.prod(shape))
    return ((rng.permutation(size) - size / 2) / 8).reshape(shape).astype(dtype)


@FAST
@given(case=pool_cases())
def test_pool_matches_naive_loops(case):
    rng = np.random.default_rng(case.seed)
    x = distinct_values(rng, (case.N, case.C, case.H, case.W), case.dtype)
    reference = solutions.MaxPool2D((case.KH, case.KW), case.stride)
    naive = naive_pool.MaxPool2D((case.KH, case.KW), case.stride)
    check_layer_pair(reference, naive, x, rng)
    assert reference.params == {} and reference.grads == {}


@FAST
@given(case=pool_cases())
def test_pool_sends_tied_gradients_to_the_first_maximum_like_naive(case):
    rng = np.random.default_rng(case.seed)
    x = rng.integers(0, 3, size=(case.N, case.C, case.H, case.W)).astype(case.dtype)  # many ties
    reference = solutions.MaxPool2D((case.KH, case.KW), case.stride)
    naive = naive_pool.MaxPool2D((case.KH, case.KW), case.stride)
    out = reference.forward(x)
    np.testing.assert_array_equal(out, naive.forward(x.astype(np.float64)))
    dout = rng.standard_normal(out.shape).astype(case.dtype)
    dx = reference.backward(dout)
    assert_close(dx, naive.backward(dout.astype(np.float64)), case.dtype, "dx")
    # conservation: each window sends exactly its dout to one place
    assert_close(dx.sum(axis=(2, 3)), dout.astype(np.float64).sum(axis=(2, 3)), case.dtype, "sum of dx")


# ---------------------------------------------------------------------------------------------------- relu


@FAST
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple),
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_relu_matches_naive_loops(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    x[rng.random(shape) < 0.1] = 0  # exact zeros: both use the x > 0 convention
    check_layer_pair(solutions.ReLU(), naive_relu.ReLU(), x, rng)


# ---------------------------------------------------------------------------------------------------- linear


@FAST
@given(
    N=st.integers(1, 4),
    D=st.integers(1, 6),
    M=st.integers(1, 5),
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_linear_matches_naive_loops(N, D, M, dtype, seed):
    reference = solutions.Linear(D, M, rng=np.random.default_rng(seed))
    naive = naive_linear.Linear(D, M, rng=np.random.default_rng(seed))
    reference.params["b"] = np.random.default_rng(seed + 1).standard_normal(M)
    copy_params(reference, naive)
    rng = np.random.default_rng(seed)
    check_layer_pair(reference, naive, rng.standard_normal((N, D)).astype(dtype), rng)


# ---------------------------------------------------------------------------------------------------- softmax-CE


@FAST
@given(
    N=st.integers(1, 5),
    K=st.integers(2, 6),
    scale=st.sampled_from([1.0, 4.0, 1e4]),
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_softmax_ce_matches_naive_loops(N, K, scale, dtype, seed):
    rng = np.random.default_rng(seed)
    scores = (scale * rng.standard_normal((N, K))).astype(dtype)
    y = rng.integers(0, K, size=N)
    scores_before, y_before = scores.copy(), y.copy()
    reference, naive = solutions.SoftmaxCrossEntropy(), naive_softmax_ce.SoftmaxCrossEntropy()

    loss = reference.forward(scores, y)
    loss_naive = naive.forward(scores.astype(np.float64), y)
    assert type(loss) is float
    assert np.isfinite(loss)
    assert_close(loss, loss_naive, dtype, "loss")

    dscores = reference.backward()
    assert_array_like(dscores, scores.shape, dtype, "dscores")
    assert_close(dscores, naive.backward(), dtype, "dscores")
    np.testing.assert_array_equal(reference.backward(), dscores, err_msg="second backward differs")
    np.testing.assert_array_equal(scores, scores_before)
    np.testing.assert_array_equal(y, y_before)


# ---------------------------------------------------------------------------------------------------- SGD momentum


@FAST
@given(
    lr=st.sampled_from([0.1, 0.01]),
    momentum=st.sampled_from([0.0, 0.5, 0.9]),
    weight_decay=st.sampled_from([0.0, 1e-3, 0.1]),
    steps=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_sgd_momentum_matches_naive_loops(lr, momentum, weight_decay, steps, seed):
    def network(module_conv, module_relu, module_linear):
        return [
            module_conv.Conv2D(2, 3, (3, 2), rng=np.random.default_rng(seed)),
            module_relu.ReLU(),
            module_linear.Linear(4, 3, rng=np.random.default_rng(seed + 1)),
        ]

    reference_layers = network(solutions, solutions, solutions)
    naive_layers = network(naive_conv, naive_relu, naive_linear)
    reference = solutions.SGDMomentum(reference_layers, lr=lr, momentum=momentum, weight_decay=weight_decay)
    naive = naive_sgd_momentum.SGDMomentum(naive_layers, lr=lr, momentum=momentum, weight_decay=weight_decay)
    originals = [dict(layer.params) for layer in reference_layers]

    rng = np.random.default_rng(seed)
    for _ in range(steps):
        for reference_layer, naive_layer in zip(reference_layers, naive_layers):
            for name, param in reference_layer.params.items():
                grad = rng.standard_normal(param.shape)
                reference_layer.grads[name] = grad
                naive_layer.grads[name] = grad.copy()
        grads_before = [{k: g.copy() for k, g in layer.grads.items()} for layer in reference_layers]
        reference.step()
        naive.step()
        for reference_layer, naive_layer, before in zip(reference_layers, naive_layers, grads_before):
            for name in reference_layer.params:
                assert_close(reference_layer.params[name], naive_layer.params[name], np.float64, name)
                unchanged = np.array_equal(reference_layer.grads[name], before[name])
                assert unchanged, f"step wrote into grads[{name!r}]"

    for layer, params in zip(reference_layers, originals):
        for name, array in params.items():
            assert layer.params[name] is array, f"step replaced params[{name!r}] instead of updating it in place"
