"""Student code that raises, loops, exits, returns the wrong thing or does not import fails only
the checks it reaches, each with one clear line, and grading of everything else goes on."""

import shutil
import textwrap
from pathlib import Path

import pytest

from gradkit.checker.specs import DEFAULT_COURSE
from gradkit.checker.runner import SuiteRun, run_suite

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"

BROKEN = {
    # forward never returns
    "conv.py": """
        from gradkit.solutions.conv import Conv2D as Reference

        class Conv2D(Reference):
            def forward(self, x):
                while True:
                    pass
    """,
    "pool.py": """
        class MaxPool2D:
            def forward(self, x)
                return x
    """,
    "relu.py": """
        from gradkit.solutions.relu import ReLU as Reference

        class ReLU(Reference):
            def forward(self, x):
                return x.tolist()
    """,
    "linear.py": """
        import numpy as np
        from gradkit.solutions.linear import Linear as Reference

        class Linear(Reference):
            def forward(self, x):
                out = super().forward(x)
                out[..., 0] = np.nan
                return out
    """,
    "sgd_momentum.py": """
        import sys
        from gradkit.solutions.sgd_momentum import SGDMomentum as Reference

        class SGDMomentum(Reference):
            def step(self):
                sys.exit(0)
    """,
    # softmax_ce.py is missing altogether
}

EXPECTED = {
    "conv": "Conv2D.forward did not return within",
    "pool": "does not import: SyntaxError at line 3",
    "relu": "ReLU.forward returned a list; it must return the output as a numpy.ndarray",
    "linear": "Linear.forward returned NaN or inf in out",
    "softmax_ce": "missing file:",
    "sgd_momentum": "SGDMomentum.step called sys.exit(0)",
}


# A forward that returns NaN does so in every layer alike: the shared-state test (NaN where a fresh layer has NaN
# counts as agreeing) is not charged for it either.
KEEPS_POINTS = {"linear": {"backward_keeps_the_contract", "dx_matches_numerical_gradient",
                           "dW_matches_numerical_gradient", "db_matches_numerical_gradient",
                           "constructor_follows_the_contract", "two_layers_do_not_share_state"}}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("broken")
    for name, source in BROKEN.items():
        (folder / name).write_text(textwrap.dedent(source))
    # conv's endless loop fails every conv test at the time limit: 1 s each is enough to show it (4 s made this
    # fixture the suite's slowest after the hostile class). The others get 4 s a test, so that linear's honest
    # tests (well under 1 s) still finish on a machine loaded several times over.
    looping = run_suite(str(folder), ["conv"], extra=["--gradkit-time-limit", "1"], timeout=600)
    others = [name for name in DEFAULT_COURSE if name != "conv"]
    rest = run_suite(str(folder), others, extra=["--gradkit-time-limit", "4"], timeout=600)
    return SuiteRun(looping.outcomes + rest.outcomes, max(looping.returncode, rest.returncode),
                    looping.output + rest.output)


@pytest.mark.parametrize("exercise", sorted(EXPECTED))
def test_each_kind_of_broken_code_gets_its_own_clear_message(graded, exercise):
    mine = [o for o in graded.outcomes if o.exercise == exercise]
    # One mistake, one charge: behind a forward that returns NaN, linear's correct backward is judged on the
    # stored gradients and keeps its points; every other file here is broken in a way no test can get past.
    passing = {o.short_name for o in mine if o.passed}
    assert mine and passing == KEEPS_POINTS.get(exercise, set()), sorted(passing)
    failures = [o for o in mine if EXPECTED[exercise] in o.message]
    assert failures, [o.message for o in mine]


def test_broken_code_shows_no_traceback_and_the_run_finishes(graded):
    assert len(graded.outcomes) == 39
    assert "Traceback" not in graded.output
    assert "gradkit score" in graded.output


def test_a_raising_method_is_reported_with_its_file_and_line(tmp_path):
    for name in ("pool.py", "relu.py", "linear.py", "softmax_ce.py", "sgd_momentum.py"):
        shutil.copy(SOLUTIONS / name, tmp_path / name)
    (tmp_path / "conv.py").write_text(textwrap.dedent("""
        from gradkit.solutions.conv import Conv2D as Reference

        class Conv2D(Reference):
            def backward(self, dout):
                return dout[99]
    """))
    run = run_suite(str(tmp_path), ["conv"])
    messages = [o.message for o in run.outcomes if not o.passed]
    assert any("Conv2D.backward raised IndexError" in m and "conv.py:6: return dout[99]" in m for m in messages), messages
    # forward is fine, so the forward checks still earn their points
    assert any(o.passed and "forward" in o.name for o in run.outcomes)
