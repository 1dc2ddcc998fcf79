"""`gradkit grade` and `gradkit check` from a shell, as students and graders call them."""

import json
import subprocess
import sys

import pytest

from gradkit.cli.main import main

pytest_plugins = ["pytester"]


def gradkit(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "gradkit.cli.main", *args], capture_output=True, text=True,
                          cwd=cwd, stdin=subprocess.DEVNULL, timeout=600)


def test_grade_writes_gradescope_results_and_exits_zero_at_full_marks(tmp_path):
    done = gradkit("grade", "--impl", "solutions", "--json", str(tmp_path / "results.json"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "total          100/100" in done.stdout
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["score"] == 100
    assert len(results["tests"]) == 39
    assert {"name", "score", "max_score", "output"} <= set(results["tests"][0])
    assert sum(t["max_score"] for t in results["tests"]) == 100


def test_grade_exits_non_zero_below_full_marks():
    done = gradkit("grade", "relu")
    assert done.returncode == 1
    assert "relu             0/10    not implemented yet: exercises/relu.py ReLU.forward" in done.stdout


def test_grade_rejects_an_unknown_exercise_in_one_line():
    done = gradkit("grade", "convolution")
    assert done.returncode == 2
    assert done.stderr.strip() == "gradkit grade: unknown exercise 'convolution'; choose from conv, pool, relu, " \
                                  "linear, softmax_ce, sgd_momentum"


def test_check_runs_one_exercise_verbosely():
    done = gradkit("check", "pool", "--impl", "solutions")
    assert done.returncode == 0, done.stdout
    assert "test_pool_dx_goes_to_one_maximum_when_values_tie PASSED" in done.stdout
    assert "test_conv" not in done.stdout


def test_the_plugin_stays_silent_in_other_projects(pytester):
    pytester.makepyfile("def test_plain():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    assert "gradkit score" not in result.stdout.str()


@pytest.mark.parametrize("exercise, plot, expected", [
    ("relu", "missing/relu.png", "--plot {tmp}/missing/relu.png: the folder {tmp}/missing does not exist"),
    ("relu", "relu.txt", "--plot {tmp}/relu.txt: name a picture file ending in .png, .pdf, .svg, .jpg, .jpeg"),
    ("sgd_momentum", "sgd.png", "--plot: sgd_momentum has no gradient to draw (run without --plot)"),
])
def test_check_refuses_a_plot_it_cannot_draw_in_one_line(tmp_path, capsys, exercise, plot, expected):
    assert main(["check", exercise, "--impl", "solutions", "--plot", str(tmp_path / plot)]) == 2
    assert capsys.readouterr().err == f"gradkit check: {expected.format(tmp=tmp_path)}\n"


REPO = __import__("gradkit.layout", fromlist=["source_root"]).source_root()


def test_pytest_with_an_impl_folder_outside_the_repository_grades_only_the_graded_suite(tmp_path):
    """The folder given after --impl used to move pytest's rootdir away from the project's config, so
    pytest collected the whole repository (the maintainers' self-tests included)."""
    folder = tmp_path / "outside"
    folder.mkdir()
    for name in ("conv.py", "pool.py", "relu.py", "linear.py", "softmax_ce.py", "sgd_momentum.py"):
        (folder / name).write_text((REPO / "solutions" / name).read_text())
    done = subprocess.run([sys.executable, "-m", "pytest", "--impl", str(folder), "-q", "-p", "no:cacheprovider"],
                          cwd=REPO, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert "39 passed" in done.stdout and "total          100/100" in done.stdout, done.stdout[-3000:]


def test_a_mistyped_impl_is_one_line(tmp_path):
    missing = str(tmp_path / "no-such-folder")
    done = gradkit("grade", "--impl", missing)
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0 and "no such folder" in done.stderr
    done = subprocess.run([sys.executable, "-m", "pytest", "--impl", missing, "-q"], cwd=REPO, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    output = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode != 0 and len(output) <= 2 and "no such folder" in output[-1], output
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no exercise here\n")
    done = gradkit("grade", "--impl", str(empty))
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0 and "no exercise file" in done.stderr


def test_commands_grade_the_workspace_they_run_in_and_say_how_to_make_one(tmp_path, monkeypatch):
    from gradkit import layout, workspace
    from gradkit.errors import UserError

    (tmp_path / "ws").mkdir()
    assert gradkit("init", str(tmp_path / "ws")).returncode == 0
    done = gradkit("grade", "relu", cwd=tmp_path / "ws")
    assert done.returncode == 1 and "relu             0/10    not implemented yet: relu.py ReLU.forward" in done.stdout
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(layout, "source_root", lambda: None)  # as installed from the wheel
    with pytest.raises(UserError, match="make a workspace with `gradkit init DIR`"):
        workspace.default_impl()
