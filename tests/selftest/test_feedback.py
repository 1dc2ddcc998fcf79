"""The feedback's promises: short messages, hints only for real mistakes, fingerprints in sync, a picture."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gradkit.checker import hints
from gradkit.checker.specs.conv import ConvCase
from gradkit.checker.specs.linear import LinearCase
from gradkit.checker.specs.pool import PoolCase
from gradkit.checker.specs.relu import ReluCase
from gradkit.checker.specs.softmax_ce import SoftmaxCase
from gradkit.checker.diagnose import diagnose_gradient, diagnose_layer
from gradkit.checker.fingerprints import FINGERPRINT_DIR, load
from gradkit.checker.impl import load_implementation
from gradkit.release.catalogue import bug_files, read_expect, submission_with
from gradkit.release.fingerprints import compute

ROOT = Path(__file__).resolve().parents[2]
CASES = [
    (ConvCase(N=2, C=2, F=3, H=5, W=4, KH=3, KW=2, stride=2, padding=1, seed=1), ["x", "W", "b"]),
    (ConvCase(N=1, C=1, F=1, H=3, W=3, KH=3, KW=3, stride=1, padding=1, seed=2), ["x", "W", "b"]),
    (PoolCase(N=2, C=1, H=5, W=4, KH=3, KW=2, stride=1, seed=3), ["x"]),
    (ReluCase(shape=(3, 4), seed=4), ["x"]),
    (LinearCase(N=3, D=4, M=4, seed=5), ["x", "W", "b"]),
]
CORRECT = ["solutions", str(ROOT / "tests" / "naive")]


@pytest.mark.parametrize("spec", CORRECT, ids=["reference", "naive"])
def test_correct_code_never_gets_a_hint(spec):
    impl = load_implementation(spec)
    for case, tensors in CASES:
        for tensor in tensors:
            diagnosis = diagnose_layer(impl, case, tensor)
            assert diagnosis.hint is None, (case, tensor, diagnosis.lines)
            assert not any("known mistake" in line for line in diagnosis.lines)
    diagnosis = diagnose_gradient(impl, SoftmaxCase(N=4, K=5, seed=6), "scores")
    assert diagnosis.hint is None and not any("known mistake" in line for line in diagnosis.lines)


def test_pattern_hints_stay_silent_when_only_round_off_differs():
    rng = np.random.default_rng(0)
    for shape in [(3,), (2, 3), (2, 2, 3, 3), (1, 1, 2, 2)]:
        n = rng.standard_normal(shape)
        a = n * (1 + 1e-10 * rng.standard_normal(shape))
        for check in (hints.zeros, hints.rotated, hints.transposed):
            assert check(a, n, "dx") is None
        assert hints.ratio(a, n, "dx", batch=2) is None


def test_pattern_hints_name_exact_relations():
    n = np.arange(1.0, 13.0).reshape(1, 1, 3, 4)
    assert hints.ratio(-n, n, "dW").id == "sign"
    assert hints.ratio(n / 4, n, "db", batch=4).id == "scale"
    assert hints.rotated(n[..., ::-1, ::-1], n, "dW").id == "flip"
    square = np.arange(9.0).reshape(3, 3)
    assert hints.transposed(square.T, square, "dW").id == "transpose"
    assert hints.zeros(np.zeros(3), np.ones(3), "dx").id == "zeros"
    assert hints.ratio(np.array([2.0]), np.array([3.0]), "db") is None  # one number proves no pattern


def test_at_least_80_percent_of_the_catalogue_expects_a_targeted_hint():
    entries = [read_expect(path)[1] for path in bug_files()]
    with_hint = [e for e in entries if e.get("hint")]
    assert len(with_hint) >= 0.8 * len(entries), f"{len(with_hint)} of {len(entries)}"


def test_stored_fingerprints_match_the_catalogue():
    per_exercise, explanations = compute()
    assert json.loads((FINGERPRINT_DIR / "explanations.json").read_text()) == explanations
    for exercise, entries in per_exercise.items():
        stored, _ = load(exercise)
        flat = {f"{bug}/{key}": value for bug, values in stored.items() for key, value in values.items()}
        assert sorted(flat) == sorted(entries), f"regenerate: python -m gradkit.release.fingerprints ({exercise})"
        for key, value in entries.items():
            np.testing.assert_allclose(flat[key], value, rtol=1e-12, atol=1e-15)


def gradkit(*args):
    return subprocess.run([sys.executable, "-m", "gradkit.cli.main", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=600)


def failure_section(output: str, test: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("_") and test in line)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(("_", "=")))
    return lines[start + 1:end]


def test_a_failed_gradient_reads_in_a_few_lines_and_says_where_and_why(tmp_path):
    bug = ROOT / "tests" / "bugs" / "conv_kernel_not_flipped.py"
    folder = submission_with(bug, "conv", tmp_path)
    done = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "tests" / "graded" / "test_conv.py"),
                           "--impl", str(folder)], capture_output=True, text=True, timeout=600)
    section = failure_section(done.stdout, "test_conv_dx_matches_numerical_gradient")
    text = "\n".join(section)
    assert len(section) <= 15, text
    assert "the gradient with respect to x (dx) is wrong" in text
    assert "smallest failing case:" in text and "dW: OK   db: OK" in text
    assert "worst dx[" in text and "probe: gradient 1 sent from out[" in text
    assert "rotated by 180 degrees" in text
    assert "Traceback" not in done.stdout


def test_check_draws_the_gradients_as_a_picture(tmp_path):
    bug = ROOT / "tests" / "bugs" / "conv_kernel_not_flipped.py"
    folder = submission_with(bug, "conv", tmp_path / "submission")
    picture = tmp_path / "conv.png"
    done = gradkit("check", "conv", "--impl", str(folder), "--plot", str(picture))
    assert done.returncode == 1
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"gradient picture written to {picture}" in done.stdout


def test_a_backward_that_raises_after_a_wrongly_shaped_forward_is_blamed_on_the_forward():
    """Backward ran on what a wrongly shaped forward cached: its own line is not the mistake."""
    import numpy as np

    from gradkit.checker.contract import check_backward_contract
    from gradkit.checker.results import CheckFailure

    class Doubler:  # forward returns one column too many; backward is right for the shape it was promised
        def __init__(self):
            self.params, self.grads = {}, {}

        def forward(self, x):
            self.out = np.concatenate([2 * x, x[:, :1]], axis=1)
            return self.out

        def backward(self, dout):
            return 2 * dout * np.ones_like(self.out)  # right when forward's shape is

    x = np.ones((2, 3))
    with pytest.raises(CheckFailure) as raised:
        check_backward_contract(Doubler(), x, np.ones((2, 3)), (2, 3), "(N, D)")
    failure = raised.value
    assert failure.tensor == "shape" and failure.hint == "shape"
    assert "could not be judged: your forward returned shape (2, 4) where (2, 3) is expected" in failure.message
    assert "fix the forward's output size first" in failure.message


FORWARD_TESTS = {"forward_returns_the_right_shape_and_dtype", "forward_matches_stored_examples"}


def test_a_forward_of_the_wrong_size_on_some_cases_costs_only_the_forward_tests(tmp_path):
    """One mistake, one charge: padding left out of the output size is wrong only where padding > 0; backward's
    tests judge the other cases (and its right backward keeps their points). A forward of the wrong size on every
    case leaves backward unjudged: its tests fail, saying so, and never award points for code they did not see."""
    from gradkit.checker.runner import run_suite

    sometimes = submission_with(ROOT / "tests" / "bugs" / "conv_output_size_ignores_padding.py", "conv",
                                tmp_path / "sometimes")
    run = run_suite(str(sometimes), ["conv"])
    assert {o.short_name for o in run.outcomes if not o.passed} == FORWARD_TESTS, run.output[-3000:]

    always = submission_with(ROOT / "tests" / "bugs" / "conv_output_size_off_by_one.py", "conv", tmp_path / "always")
    run = run_suite(str(always), ["conv"])
    dx = next(o for o in run.outcomes if o.short_name == "dx_matches_numerical_gradient")
    assert not dx.passed and dx.tensor == "shape", run.output[-3000:]
    assert "could not judge your code on any case" in dx.message and "forward returned shape" in dx.message


def test_a_softmax_normalised_over_the_batch_costs_the_loss_tests_only(tmp_path):
    """Its backward, (p - one_hot(y)) / N, is right for the probabilities its forward computed: the dscores tests
    pass, the loss test names the axis, and stability waits until the loss is right (said, not scored unseen)."""
    from gradkit.checker.runner import run_suite

    folder = submission_with(ROOT / "tests" / "bugs" / "softmax_ce_softmax_over_the_batch.py", "softmax_ce",
                             tmp_path / "batch_axis")
    run = run_suite(str(folder), ["softmax_ce"])
    failed = {o.short_name: o for o in run.outcomes if not o.passed}
    assert set(failed) == {"loss_matches_stored_examples", "is_stable_for_huge_scores"}, run.output[-3000:]
    assert failed["loss_matches_stored_examples"].hint == "axis"
    assert "could not be judged yet" in failed["is_stable_for_huge_scores"].message

    # A made-up forward (the loss of uniform probabilities) with the dscores of those probabilities is consistent too,
    # but no forward mistake learners make: it earns nothing for dscores.
    (folder / "softmax_ce.py").write_text(
        "import numpy as np\n\n"
        "class SoftmaxCrossEntropy:\n"
        "    def forward(self, scores, y):\n"
        "        self.shape, self.y, self.dtype = scores.shape, np.asarray(y), scores.dtype\n"
        "        return float(np.log(scores.shape[1]))\n\n"
        "    def backward(self):\n"
        "        d = np.full(self.shape, 1.0 / self.shape[1])\n"
        "        d[np.arange(self.shape[0]), self.y] -= 1\n"
        "        return (d / self.shape[0]).astype(self.dtype)\n")
    run = run_suite(str(folder), ["softmax_ce"])
    dscores = next(o for o in run.outcomes if o.short_name == "dscores_matches_numerical_gradient")
    assert not dscores.passed, run.output[-3000:]


def test_a_wrong_loss_is_named_when_it_is_a_loss_learners_compute_instead():
    """Each wrong loss of the softmax spec's list is recognised as itself; the true loss, with or without an
    epsilon in its log, is never explained as a mistake."""
    from gradkit.checker.specs import softmax_ce

    rng = np.random.default_rng(3)
    scores, y = 2.0 * rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    wrong = softmax_ce._wrong_losses(scores, y)
    assert len({hint.text for _, hint in wrong}) == len(wrong) >= 8
    for value, hint in wrong:
        assert softmax_ce.loss_hint(value, scores, y) == hint
    exact = softmax_ce.true_loss(scores, y)
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    with_epsilon = float(-np.log(probs[np.arange(5), y] + 1e-7).mean())
    for honest in (exact, with_epsilon):
        assert softmax_ce.loss_is_right(honest, scores, y) and softmax_ce.loss_hint(honest, scores, y) is None


def test_a_crash_names_the_feature_whose_removal_lets_the_code_run(tmp_path):
    """A ceil-mode pool raises only where rows are left over past the last window; a KH-for-KW mix-up only with a
    non-square window; correct code raises nowhere, so it gets no hint."""
    from gradkit.checker.diagnose import crash_hint

    ceil = load_implementation(str(submission_with(ROOT / "tests" / "bugs" / "pool_output_size_rounds_up.py", "pool",
                                                   tmp_path / "ceil")))
    leftover = PoolCase(N=1, C=1, H=2, W=6, KH=2, KW=3, stride=2, seed=0)  # one column past the last window
    assert crash_hint(ceil, leftover).id == "output_size"
    assert crash_hint(ceil, leftover._replace(W=5)) is None  # covered exactly: it runs
    assert crash_hint(load_implementation("solutions"), leftover) is None


def test_a_forward_that_reads_outside_its_window_is_named_before_any_reading_of_dx(tmp_path):
    """A max pool whose reshape shortcut is taken when the stride equals KW alone: on a 1x2 window with stride 2
    its forward reads the wrong rows, so its dx (the reference's backward) disagrees with finite differences of its
    own forward. The message says the forward is wrong here, and gives no reading of the backward."""
    bug = ROOT / "tests" / "bugs" / "pool_reshape_shortcut_checks_one_side.py"
    impl = load_implementation(str(submission_with(bug, "pool", tmp_path / "shortcut")))
    diagnosis = diagnose_layer(impl, PoolCase(N=1, C=1, H=3, W=2, KH=1, KW=2, stride=2, seed=0), "x")
    text = "\n".join(diagnosis.lines)
    assert diagnosis.hint == hints.FORWARD_FIRST, text
    assert "your forward is wrong on this case: its output at position (1, 0) changes" in text
    assert "probe:" not in text  # a probe compares with the gradient of a forward known to be wrong

    reference = load_implementation("solutions")
    right = diagnose_layer(reference, PoolCase(N=1, C=1, H=3, W=2, KH=1, KW=2, stride=2, seed=0), "x")
    assert not any("your forward is wrong" in line for line in right.lines)


def test_a_crash_on_a_stride_equal_to_one_side_of_the_window_names_the_shortcut(tmp_path):
    from gradkit.checker.diagnose import crash_hint

    bug = ROOT / "tests" / "bugs" / "pool_reshape_shortcut_checks_one_side.py"
    impl = load_implementation(str(submission_with(bug, "pool", tmp_path / "shortcut")))
    hint = crash_hint(impl, PoolCase(N=1, C=1, H=3, W=2, KH=2, KW=1, stride=1, seed=0))
    assert hint is not None and hint.id == "stride"
    assert "when the stride equals KW = 1 but not KH" in hint.text


def test_the_update_s_own_mistake_is_named_before_a_layer_without_params_trips_the_step(tmp_path):
    """PyTorch's velocity convention in a step that also reads layer.params of every layer: the trainer-use test
    names the schedule mistake (lr applied outside the velocity), not only the crash on a Flatten-like layer, which
    is checked last; with the convention fixed, the crash is what it names."""
    from gradkit.checker.results import CheckFailure
    from gradkit.checker.specs.sgd_momentum import SGDCase, check_trainer_use

    both = tmp_path / "sgd_momentum_both.py"
    both.write_text('"""Two mistakes."""\n\nfrom solutions.sgd_momentum import SGDMomentum as Reference\n\n'
                    'EXPECT = None\n\n\nclass SGDMomentum(Reference):\n    def step(self):\n'
                    '        for layer, velocities in zip(self.layers, self.velocities):\n'
                    '            for k in layer.params:\n'
                    '                w, g, v = layer.params[k], layer.grads[k], velocities[k]\n'
                    '                v *= self.momentum\n                v += g + self.weight_decay * w\n'
                    '                w -= self.lr * v\n')
    case = SGDCase(shapes=((2, 3), (3,)), lr=0.1, momentum=0.9, weight_decay=0.0, steps=3, seed=0)
    impl = load_implementation(str(submission_with(both, "sgd_momentum", tmp_path / "both")))
    with pytest.raises(CheckFailure) as failure:
        check_trainer_use(impl, case)
    assert failure.value.hint == "lr_schedule", failure.value.message

    crash_only = ROOT / "tests" / "bugs" / "sgd_momentum_assumes_every_layer_has_params.py"
    impl = load_implementation(str(submission_with(crash_only, "sgd_momentum", tmp_path / "crash")))
    with pytest.raises(CheckFailure) as failure:
        check_trainer_use(impl, case)
    assert failure.value.hint == "skip_layers", failure.value.message
