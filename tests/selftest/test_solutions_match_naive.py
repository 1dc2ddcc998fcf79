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
import solutions.adam
import solutions.batchnorm
import solutions.dropout

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
naive_avgpool = load_naive("avgpool")
naive_dropout = load_naive("dropout")
naive_batchnorm = load_naive("batchnorm")
naive_adam = load_naive("adam")


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


# ---------------------------------------------------------------------------------------------------- avgpool


class AvgPoolCase(NamedTuple):
    N: int
    C: int
    H: int
    W: int
    KH: int
    KW: int
    stride: int
    global_pool: bool
    dtype: type
    seed: int


@st.composite
def avgpool_cases(draw):
    KH, KW = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return AvgPoolCase(
        N=draw(st.integers(1, 3)),
        C=draw(st.integers(1, 3)),
        H=draw(st.integers(KH, 8)),
        W=draw(st.integers(KW, 8)),
        KH=KH,
        KW=KW,
        stride=draw(st.integers(1, 3)),  # stride < kernel gives overlapping windows
        global_pool=draw(st.booleans()),
        dtype=draw(DTYPES),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


def avgpool_out_shape(case):
    if case.global_pool:
        return (case.N, case.C)
    return (case.N, case.C, (case.H - case.KH) // case.stride + 1, (case.W - case.KW) // case.stride + 1)


def check_avgpool_case(case):
    rng = np.random.default_rng(case.seed)
    x = rng.standard_normal((case.N, case.C, case.H, case.W)).astype(case.dtype)
    # the global pool ignores kernel_size and stride, so they are given anyway
    options = dict(kernel_size=(case.KH, case.KW), stride=case.stride, global_pool=case.global_pool)
    reference, naive = solutions.AvgPool2D(**options), naive_avgpool.AvgPool2D(**options)
    check_layer_pair(reference, naive, x, rng)
    assert reference.forward(x).shape == avgpool_out_shape(case)
    assert reference.params == {} and reference.grads == {}


@FAST
@given(case=avgpool_cases())
def test_avgpool_matches_naive_loops(case):
    check_avgpool_case(case)


def test_avgpool_covers_the_awkward_cases_explicitly():
    # overlapping windows (3x3 stride 2, 2x3 stride 1), a stride that leaves rows over, spaced-out windows, the
    # global pool on a non-square image, float32
    cases = [
        AvgPoolCase(2, 3, 7, 7, 3, 3, 2, False, np.float64, 0),
        AvgPoolCase(1, 2, 5, 6, 2, 3, 1, False, np.float32, 1),
        AvgPoolCase(2, 1, 8, 7, 2, 2, 3, False, np.float64, 2),
        AvgPoolCase(3, 2, 3, 5, 2, 2, 2, True, np.float32, 3),
    ]
    for case in cases:
        check_avgpool_case(case)
    # the defaults: stride = kernel_size, a window pool (not the global one)
    rng = np.random.default_rng(4)
    for args in [(), (3,), ((2, 2),)]:
        x = rng.standard_normal((2, 2, 7, 8))
        check_layer_pair(solutions.AvgPool2D(*args), naive_avgpool.AvgPool2D(*args), x, rng)
    # a cell in two overlapping windows gets both shares: with dout = 1, 3x3 windows at stride 2 on 5x5,
    # the centre cell (2, 2) belongs to all four windows
    layer = solutions.AvgPool2D(3, 2)
    layer.forward(np.zeros((1, 1, 5, 5)))
    assert layer.backward(np.ones((1, 1, 2, 2)))[0, 0, 2, 2] == 4 / 9


# ---------------------------------------------------------------------------------------------------- dropout


class DropoutCase(NamedTuple):
    shape: tuple
    p: float
    training: bool
    calls: int
    dtype: type
    seed: int


@st.composite
def dropout_cases(draw):
    return DropoutCase(
        shape=draw(st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)),
        p=draw(st.sampled_from([0.0, 0.25, 0.5, 0.8])),
        training=draw(st.booleans()),
        calls=draw(st.integers(1, 3)),
        dtype=draw(DTYPES),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


@FAST
@given(case=dropout_cases())
def test_dropout_matches_naive_loops_with_an_equally_seeded_generator(case):
    reference = solutions.dropout.Dropout(case.p, rng=np.random.default_rng(case.seed))
    naive = naive_dropout.Dropout(case.p, rng=np.random.default_rng(case.seed))
    if not case.training:
        reference.eval()
        naive.eval()
    rng = np.random.default_rng([case.seed, 1])
    for _ in range(case.calls):  # every call draws a new mask; both draw the same one
        x = (0.5 + rng.random(case.shape)).astype(case.dtype)  # never 0: out != 0 exactly where the mask kept x
        check_layer_pair(reference, naive, x, rng)
        out = reference.forward(x)  # a further call: its mask is the one the next backward must use
        np.testing.assert_array_equal(out != 0, naive.forward(x.astype(np.float64)) != 0, err_msg="masks differ")
        dout = rng.standard_normal(case.shape).astype(case.dtype)
        assert_close(reference.backward(dout), naive.backward(dout.astype(np.float64)), case.dtype, "dx")
        if not case.training or case.p == 0:  # the identity: exactly x, exactly dout
            np.testing.assert_array_equal(out, x)
            np.testing.assert_array_equal(reference.backward(dout), dout)


def test_dropout_draws_a_new_mask_on_every_call_like_naive():
    reference = solutions.dropout.Dropout(0.5, rng=np.random.default_rng(3))
    naive = naive_dropout.Dropout(0.5, rng=np.random.default_rng(3))
    x = np.full((8, 8), 2.0)
    masks = []
    for _ in range(3):
        out = reference.forward(x)
        np.testing.assert_array_equal(out, naive.forward(x))
        assert set(np.unique(out)) == {0.0, 4.0}
        dout = np.arange(64.0).reshape(8, 8)
        np.testing.assert_array_equal(reference.backward(dout), naive.backward(dout))
        np.testing.assert_array_equal(reference.backward(dout), dout * out / x)
        masks.append(out != 0)
    # two independent masks of 64 entries agree everywhere with probability 2**-64
    assert not np.array_equal(masks[0], masks[1]) and not np.array_equal(masks[1], masks[2])


# ---------------------------------------------------------------------------------------------------- batchnorm


class BatchNormCase(NamedTuple):
    N: int
    C: int
    H: int
    W: int
    momentum: float
    eps: float
    modes: tuple  # one forward/backward per entry: True training, False evaluation
    dtype: type
    seed: int


@st.composite
def batchnorm_cases(draw):
    H, W = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    N = draw(st.integers(1 if H * W >= 2 else 2, 4))  # at least 2 values per channel in training mode
    return BatchNormCase(
        N=N,
        C=draw(st.integers(1, 3)),
        H=H,
        W=W,
        momentum=draw(st.sampled_from([0.1, 0.0, 0.3, 0.9, 1.0])),
        eps=draw(st.sampled_from([1e-5, 1e-3, 0.1])),
        modes=tuple(draw(st.lists(st.booleans(), min_size=1, max_size=4))),
        dtype=draw(DTYPES),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


def channel_input(rng, shape, dtype):
    """Gaussian values with a mean in [-1, 1] and a spread in [0.5, 2] per channel (never nearly constant)."""
    level = rng.uniform(-1.0, 1.0, (1, shape[1], 1, 1))
    spread = rng.uniform(0.5, 2.0, (1, shape[1], 1, 1))
    return (level + spread * rng.standard_normal(shape)).astype(dtype)


@FAST
@given(case=batchnorm_cases())
def test_batchnorm_matches_naive_loops_in_both_modes_and_keeps_the_same_running_statistics(case):
    options = dict(num_features=case.C, momentum=case.momentum, eps=case.eps)
    reference, naive = solutions.batchnorm.BatchNorm2D(**options), naive_batchnorm.BatchNorm2D(**options)
    rng = np.random.default_rng(case.seed)
    reference.params["gamma"] = rng.uniform(0.5, 2.0, case.C) * rng.choice([-1.0, 1.0], case.C)
    reference.params["beta"] = rng.standard_normal(case.C)
    copy_params(reference, naive)
    for training in case.modes:
        for layer in (reference, naive):
            if training:
                layer.train()
            else:
                layer.eval()
        x = channel_input(rng, (case.N, case.C, case.H, case.W), case.dtype)
        before = reference.running_mean.copy(), reference.running_var.copy()
        check_layer_pair(reference, naive, x, rng)
        for name in ("running_mean", "running_var"):
            mine = getattr(reference, name)
            assert_array_like(mine, (case.C,), np.float64, name)
            assert_close(mine, getattr(naive, name), case.dtype, name)
        if not training:  # evaluation mode reads the running statistics and never moves them
            np.testing.assert_array_equal(reference.running_mean, before[0])
            np.testing.assert_array_equal(reference.running_var, before[1])
        # check_layer_pair called forward once; a second call on the same batch moves them again (training mode)
        for layer in (reference, naive):
            layer.forward(x if layer is reference else x.astype(np.float64))
        assert_close(reference.running_mean, naive.running_mean, case.dtype, "running_mean after a second call")
        assert_close(reference.running_var, naive.running_var, case.dtype, "running_var after a second call")


# ---------------------------------------------------------------------------------------------------- Adam


class Holder:
    """A stand-in layer: parameters and gradients only."""

    def __init__(self, params):
        self.params = params
        self.grads = {k: np.zeros_like(v) for k, v in params.items()}


class AdamCase(NamedTuple):
    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    lr_schedule: bool
    steps: int
    dtype: type
    seed: int


@st.composite
def adam_cases(draw):
    return AdamCase(
        lr=draw(st.sampled_from([1e-3, 0.1, 0.01])),
        beta1=draw(st.sampled_from([0.9, 0.0, 0.5])),
        beta2=draw(st.sampled_from([0.999, 0.5, 0.9])),
        eps=draw(st.sampled_from([1e-8, 0.1, 1e-3])),
        weight_decay=draw(st.sampled_from([0.0, 0.1, 1e-2])),
        lr_schedule=draw(st.booleans()),
        steps=draw(st.integers(1, 5)),
        dtype=draw(DTYPES),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


def adam_layers(seed, dtype):
    """Two layers with a "W" and a "b" each (state must be per layer), one with empty dicts, one with neither."""
    rng = np.random.default_rng(seed)
    return [
        Holder({"W": rng.standard_normal((2, 3)).astype(dtype), "b": rng.standard_normal(3).astype(dtype)}),
        Holder({}),
        object(),
        Holder({"W": rng.standard_normal((3, 1)).astype(dtype), "b": rng.standard_normal(1).astype(dtype)}),
    ]


def float64_copies(layers):
    return [Holder({k: v.astype(np.float64) for k, v in layer.params.items()}) if hasattr(layer, "params")
            else object() for layer in layers]


@FAST
@given(case=adam_cases())
def test_adam_matches_naive_loops_over_several_steps(case):
    options = dict(beta1=case.beta1, beta2=case.beta2, eps=case.eps, weight_decay=case.weight_decay)
    reference_layers = adam_layers(case.seed, case.dtype)
    naive_layers = float64_copies(reference_layers)
    reference = solutions.adam.Adam(reference_layers, lr=case.lr, **options)
    naive = naive_adam.Adam(naive_layers, lr=case.lr, **options)
    originals = [dict(getattr(layer, "params", {})) for layer in reference_layers]

    rng = np.random.default_rng([case.seed, 1])
    for step in range(case.steps):
        if case.lr_schedule:  # as a schedule does between steps
            reference.lr = naive.lr = case.lr / (1 + step)
        for reference_layer, naive_layer in zip(reference_layers, naive_layers):
            for name, param in getattr(reference_layer, "params", {}).items():
                grad = rng.standard_normal(param.shape).astype(case.dtype)
                if step % 2:  # written into the array the layer holds, or a new array, as a backward may do
                    reference_layer.grads[name][...] = grad
                else:
                    reference_layer.grads[name] = grad
                naive_layer.grads[name] = grad.astype(np.float64)
        grads_before = [{k: g.copy() for k, g in getattr(layer, "grads", {}).items()} for layer in reference_layers]
        reference.step()
        naive.step()
        assert reference.t == naive.t == step + 1
        for i, (reference_layer, naive_layer) in enumerate(zip(reference_layers, naive_layers)):
            for name, param in getattr(reference_layer, "params", {}).items():
                assert_array_like(param, naive_layer.params[name].shape, case.dtype, f"params[{name!r}]")
                assert_close(param, naive_layer.params[name], case.dtype, f"layer {i} params[{name!r}]")
                assert_close(reference.m[i][name], naive.m[i][name], case.dtype, f"m[{i}][{name!r}]")
                assert_close(reference.v[i][name], naive.v[i][name], case.dtype, f"v[{i}][{name!r}]")
                unchanged = np.array_equal(reference_layer.grads[name], grads_before[i][name])
                assert unchanged, f"step wrote into grads[{name!r}]"

    for layer, params in zip(reference_layers, originals):
        for name, array in params.items():
            assert layer.params[name] is array, f"step replaced params[{name!r}] instead of updating it in place"


def test_adam_first_step_moves_every_entry_by_about_lr_in_both_implementations():
    # bias correction makes the first step lr * g / (|g| + eps) whatever the gradient's size
    for adam in (solutions.adam.Adam, naive_adam.Adam):
        layer = Holder({"W": np.zeros(4)})
        layer.grads["W"] = np.array([1e-4, -3.0, 250.0, -0.5])
        adam([layer], lr=0.01, eps=1e-8).step()
        g = layer.grads["W"]
        np.testing.assert_allclose(layer.params["W"], -0.01 * g / (np.abs(g) + 1e-8), rtol=1e-12, atol=0)
        assert np.all(np.abs(np.abs(layer.params["W"]) - 0.01) < 1e-6)
