"""A course chooses its exercises and their points in one place, and every surface grades that course.

The course file: settings read back exactly, each mistake one line that names the file. Scaling: a course that
gives conv 30 points (its tests declare 25) and relu 5 (declared 10) multiplies each of their tests by 6/5 and 1/2,
and the tests still add up to exactly 30 and 5. A release made with `--exercises relu,linear` gives students a wheel
whose workspace, `pytest` and `gradkit grade` know only those two (25 points). The scaled course, in a copy of the
source as its course.toml, gives one buggy submission (conv's db averaged over the batch: 3 of conv's 25 public
points and 1 of its 5 instructor-only ones, declared) the same numbers in pytest, `gradkit grade`, `grade-all` and
the nbgrader cells: public 31.4/35, instructor 5.8/7, total 37.2/42.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from venvs import run_in, venv_with

from gradkit import layout
from gradkit.batch.samples import BUGS, SOLUTIONS, write_bug
from gradkit.checker.course import DEFAULT, Course, load, make, of_source, to_json, with_exercises
from gradkit.checker.points import declared, hidden_points, public_points, scaled
from gradkit.checker.specs import EXERCISES
from gradkit.errors import UserError
from gradkit.release.course import build_course

ROOT = layout.source_root()
KNOWN = ", ".join(EXERCISES)
SKIP = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", ".hypothesis", ".pytest_cache", "build", "dist",
                              "*.egg-info", "runs", ".venv", "mnist", "cifar10", "*.gz")
SCALED = 'name = "scaled"\nexercises = ["relu", "conv"]\n\n[points]\nconv = 30\nrelu = 5\n'
BUG = BUGS / "conv_db_averaged_over_batch.py"


def write(folder: Path, text: str, name: str = "course.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def run(*args: str | Path, cwd: Path, pythonpath: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"PYTHONPATH": str(pythonpath)} if pythonpath else {})}
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


# ---------------------------------------------------------------------------------------------------------------
# the course file


def test_a_course_file_names_exercises_in_order_and_may_set_their_points(tmp_path):
    course = load(write(tmp_path, 'name = "layers-1"\nexercises = ["relu", "conv"]\n\n[points]\nconv = 30\n'))
    assert course == Course("layers-1", ("relu", "conv"), {"conv": 30.0})
    assert load(write(tmp_path, 'exercises = ["linear"]\n')) == Course("cnn-layers", ("linear",), {})
    assert load(write(tmp_path, to_json(course), "course.json")) == course  # what a release ships reads back


def test_without_a_course_file_the_course_is_the_original_six_at_their_declared_points(tmp_path):
    assert of_source(tmp_path) == DEFAULT
    assert DEFAULT == Course("cnn-layers", ("conv", "pool", "relu", "linear", "softmax_ce", "sgd_momentum"), {})
    assert {e: public_points(e, DEFAULT) for e in DEFAULT.exercises} == {
        "conv": 25, "pool": 15, "relu": 10, "linear": 15, "softmax_ce": 15, "sgd_momentum": 20}
    assert sum(hidden_points(e, DEFAULT) for e in DEFAULT.exercises) == 20


@pytest.mark.parametrize("text, problem", [
    ('exercises = ["relu", "convolution"]\n', f"unknown exercise 'convolution'; the kit has {KNOWN}"),
    ('exercises = ["relu", "linear", "relu"]\n', "exercise 'relu' is listed twice"),
    ('exercises = ["relu"]\n[points]\nrelu = 0\n', "points for 'relu' must be a positive number, not 0"),
    ('exercises = ["relu"]\n[points]\nrelu = -5\n', "points for 'relu' must be a positive number, not -5"),
    ('exercises = ["relu"]\n[points]\nrelu = "10"\n', "points for 'relu' must be a positive number, not '10'"),
    ('exercises = ["relu"]\n[points]\nrelu = true\n', "points for 'relu' must be a positive number, not True"),
    ('exercises = ["relu"]\n[points]\nconv = 30\n',
     "points are given for 'conv', which is not one of the course's exercises"),
    ('exercises = ["relu"]\npoints = 3\n', "points must be a table of exercise = points, e.g. [points] conv = 30"),
    ('exercise = ["relu"]\n', "unknown setting 'exercise'; a course file sets name, exercises, points"),
    ('name = "layers"\n', 'no exercises listed; e.g. exercises = ["conv", "relu"]'),
    ('exercises = []\n', 'exercises must be a non-empty list of exercise names, e.g. exercises = ["conv", "relu"]'),
    ('exercises = "relu"\n', 'exercises must be a non-empty list of exercise names, e.g. exercises = ["conv", "relu"]'),
    ('name = "my course"\nexercises = ["relu"]\n', "name 'my course' may hold only letters, digits, '-', '_' and '.'"),
])
def test_a_mistake_in_a_course_file_is_one_line_naming_the_file(tmp_path, text, problem):
    path = write(tmp_path, text)
    with pytest.raises(UserError) as raised:
        load(path)
    assert str(raised.value) == f"{path}: {problem}"


def test_a_missing_or_unreadable_course_file_is_one_line(tmp_path):
    with pytest.raises(UserError, match=r"missing.toml: no such course file$"):
        load(tmp_path / "missing.toml")
    path = write(tmp_path, 'exercises = ["relu"\n')
    with pytest.raises(UserError) as raised:
        load(path)
    message = str(raised.value)  # tomllib's own words, which differ between Python versions
    assert message.startswith(f"{path}: not a valid course file (") and "\n" not in message, message


def test_exercises_chosen_for_a_release_keep_the_courses_points_for_them():
    course = Course("c", ("relu", "conv"), {"conv": 30.0, "relu": 5.0})
    assert with_exercises(course, ["linear", "conv"]) == Course("c", ("linear", "conv"), {"conv": 30.0})
    with pytest.raises(UserError, match=r"^--exercises: unknown exercise 'dense'; the kit has conv, "):
        with_exercises(course, ["relu", "dense"])


def test_a_course_scales_each_test_of_an_exercise_and_keeps_the_total_exact():
    course = make("scaled", ["relu", "conv"], {"conv": 30, "relu": 5}, "test")
    conv = list(declared(layout.graded_tests_dir() / "test_conv.py").values())
    assert sorted(conv) == [1, 2, 2, 2, 3, 5, 5, 5]
    mine = [scaled(p, "conv", course) for p in conv]
    assert sorted(mine) == [1.2, 2.4, 2.4, 2.4, 3.6, 6, 6, 6]
    assert math.fsum(mine) == 30.0
    assert scaled(2, "conv_hidden", course) == 2.4 and scaled(2, "relu", course) == 1.0
    assert scaled(3, "linear", course) == 3.0  # not in the course's [points]: as declared
    assert (public_points("conv", course), hidden_points("conv", course)) == (30.0, 6.0)
    assert (public_points("relu", course), hidden_points("relu", course)) == (5.0, 1.0)


# ---------------------------------------------------------------------------------------------------------------
# the pytest plugin


def test_pytest_grades_the_courses_exercises_but_a_named_file_still_runs(tmp_path):
    course = write(tmp_path, 'exercises = ["relu", "linear"]\n')
    results = tmp_path / "results.json"
    done = run("-m", "pytest", "--impl", "solutions", "--gradkit-course", course, "--gradkit-json", results,
               "-q", "-p", "no:cacheprovider", cwd=ROOT)
    data = json.loads(results.read_text())
    assert {o["exercise"] for o in data["gradkit_outcomes"]} == {"relu", "linear"}, done.stdout[-2000:]
    assert (data["score"], data["max_score"]) == (25, 25) and "total           25/25" in done.stdout
    named = run("-m", "pytest", "tests/graded/test_pool.py", "--impl", "solutions", "--gradkit-course", course,
                "-q", "-p", "no:cacheprovider", cwd=ROOT)
    assert "pool            15/15" in named.stdout, named.stdout[-2000:]


def test_pytest_refuses_a_bad_course_in_one_line(tmp_path):
    course = write(tmp_path, 'exercises = ["relu", "dense"]\n')
    done = run("-m", "pytest", "--impl", "solutions", "--gradkit-course", course, "-q", "-p", "no:cacheprovider",
               cwd=ROOT)
    assert done.returncode == 4
    assert f"ERROR: {course}: unknown exercise 'dense'; the kit has {KNOWN}" in done.stderr.splitlines()


# ---------------------------------------------------------------------------------------------------------------
# a release for two exercises, installed as students install it


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release")
    done = run("-m", "gradkit.cli.main", "release", "--out", out, "--exercises", "relu,linear", cwd=out)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_a_release_for_two_exercises_ships_them_everywhere(released):
    assert "your score out of 25" in (released / "student" / "README.md").read_text()
    source = released / "course" / "source" / "cnn-layers"
    assert sorted(p.name for p in source.glob("*.ipynb")) == ["01_relu.ipynb", "02_linear.ipynb"]
    assert json.loads((source / "course.json").read_text()) == {"name": "cnn-layers", "exercises": ["relu", "linear"],
                                                                 "points": {}}
    assert "EXERCISE_FILES = ('relu.py', 'linear.py')" in (source / "gradkit_notebook.py").read_text()
    config = (released / "course" / "nbgrader_config.py").read_text()
    assert "c.Autograde.exclude_overwriting = {'cnn-layers': ['relu.py', 'linear.py']}" in config
    assert sorted(p.name for p in (released / "course" / "hidden").iterdir()) == ["test_linear_hidden.py",
                                                                                 "test_relu_hidden.py"]


def test_the_installed_release_grades_only_its_two_exercises(released, tmp_path):
    python = venv_with(next((released / "student").glob("*.whl")), tmp_path / "env")
    work = tmp_path / "my-cnn"
    init = run_in(python, "-m", "gradkit.cli.main", "init", work, cwd=tmp_path)
    assert init.returncode == 0 and "next: cd" in init.stdout and "gradkit check relu" in init.stdout, init.stderr
    assert sorted(p.name for p in work.iterdir()) == ["README.md", "linear.py", "pytest.ini", "relu.py"]
    readme = (work / "README.md").read_text()
    assert "| ReLU | `relu.py` | `ReLU` | 10 |" in readme and "conv" not in readme and "out of 25" in readme

    stubs = run_in(python, "-m", "pytest", "-q", cwd=work)
    assert "total            0/25" in stubs.stdout and stubs.returncode != 0, stubs.stdout[-2000:]
    for name in ("relu.py", "linear.py"):
        shutil.copyfile(SOLUTIONS / name, work / name)
    graded = run_in(python, "-m", "pytest", "-q", "--gradkit-json", "pytest.json", cwd=work)
    assert "total           25/25" in graded.stdout and graded.returncode == 0, graded.stdout[-2000:]
    cli = run_in(python, "-m", "gradkit.cli.main", "grade", "--json", "grade.json", cwd=work)
    assert cli.returncode == 0 and "total           25/25" in cli.stdout, cli.stdout[-2000:]
    for results in ("pytest.json", "grade.json"):
        data = json.loads((work / results).read_text())
        assert {o["exercise"] for o in data["gradkit_outcomes"]} == {"relu", "linear"}
        assert (data["score"], data["max_score"]) == (25, 25)
    other = run_in(python, "-m", "gradkit.cli.main", "grade", "conv", cwd=work)
    assert other.returncode == 2
    assert other.stderr.strip() == "gradkit grade: 'conv' is not an exercise of this course; choose from relu, linear"


# ---------------------------------------------------------------------------------------------------------------
# a course with other points, through every surface


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """A copy of this source whose course.toml is the scaled course."""
    copy = tmp_path_factory.mktemp("kit") / "gradkit"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    write(copy, SCALED)
    return copy


@pytest.fixture(scope="module")
def cy(tmp_path_factory) -> Path:
    return write_bug(tmp_path_factory.mktemp("class") / "submissions" / "cy", BUG)


def test_the_scaled_course_gives_the_same_public_score_in_pytest_and_gradkit_grade(kit, cy, tmp_path):
    pytest_json, grade_json = tmp_path / "pytest.json", tmp_path / "grade.json"
    plain = run("-m", "pytest", "--impl", cy, "--gradkit-json", pytest_json, "-q", "-p", "no:cacheprovider",
                cwd=kit, pythonpath=kit)
    cli = run("-m", "gradkit.cli.main", "grade", "--impl", cy, "--json", grade_json, cwd=kit, pythonpath=kit)
    for done, results in ((plain, pytest_json), (cli, grade_json)):
        table = done.stdout.split("gradkit score: ", 1)[-1].splitlines()[1:4]  # in the course's order
        assert table == ["relu             5/5", "conv          26.4/30    failed: db_matches_numerical_gradient",
                         "total         31.4/35"], done.stdout[-2000:]
        data = json.loads(results.read_text())
        assert (data["score"], data["max_score"]) == (31.4, 35.0)


def test_the_scaled_course_gives_the_same_scores_in_grade_all(kit, cy, tmp_path):
    out = tmp_path / "grades.csv"
    done = run("-m", "gradkit.cli.main", "grade-all", cy.parent, "--out", out, "--jobs", "1", "--no-progress",
               cwd=kit, pythonpath=kit)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    with out.open() as handle:
        row = next(csv.DictReader(handle))
    assert {k: row[k] for k in ("score", "max_score", "public", "public_max", "instructor", "instructor_max")} == {
        "score": "37.2", "max_score": "42", "public": "31.4", "public_max": "35", "instructor": "5.8",
        "instructor_max": "7"}
    assert (row["relu"], row["relu_hidden"], row["conv"], row["conv_hidden"]) == ("5", "1", "26.4", "4.8")
    assert "pool" not in row and "conv: db_matches_numerical_gradient" in row


def test_the_scaled_course_gives_the_same_points_in_the_nbgrader_cells(kit, cy, tmp_path, capsys, monkeypatch):
    course = build_course(tmp_path / "course", kit)
    assignment = course / "source" / "scaled"
    cells = {}
    for path in sorted(assignment.glob("*.ipynb")):
        graded = next(c for c in nbformat.read(str(path), 4).cells if c.metadata["nbgrader"]["grade"])
        cells[path.stem] = (graded.metadata["nbgrader"]["points"], graded.source.splitlines()[-2])
    assert cells == {"01_relu": (6.0, 'points = grade("relu", 6, hidden=hidden)'),
                     "02_conv": (36.0, 'points = grade("conv", 36, hidden=hidden)')}

    # The cell's own run (the installed gradkit, in a child without PYTHONPATH) with the instructor's tests.
    monkeypatch.syspath_prepend(str(assignment))
    monkeypatch.delenv("GRADKIT_SANDBOX", raising=False)
    monkeypatch.setenv("GRADKIT_HIDDEN_TESTS", str(course / "hidden"))
    import gradkit_notebook

    try:
        scores = {name: gradkit_notebook.grade(name, points, hidden=True, folder=str(cy))
                  for name, points in (("relu", 6), ("conv", 36))}
    finally:
        sys.modules.pop("gradkit_notebook", None)
    printed = capsys.readouterr().out
    assert scores == {"relu": 6.0, "conv": pytest.approx(31.2, abs=1e-12)}, printed
    assert "conv: 31.2 of 36 points (public 26.4/30, instructor 4.8/6)" in printed, printed


def test_run_suite_grades_the_course_it_is_given():
    """The catalogue and benchmarks grade an exercise outside gradkit's own course by passing one."""
    from gradkit.checker.runner import run_suite

    run = run_suite("solutions", ["relu"], course=make("just-relu", ["relu"], {"relu": 20}, "test"))
    assert (run.score, run.max_score, run.returncode) == (20.0, 20.0, 0)


def test_check_and_grade_take_a_course_file_so_an_extra_can_be_checked_in_the_source(tmp_path):
    course = write(tmp_path, 'name = "with-dropout"\nexercises = ["relu", "dropout"]\n')
    outside = run("-m", "gradkit.cli.main", "check", "dropout", "--impl", "solutions", cwd=ROOT)
    assert outside.returncode == 2 and "'dropout' is not an exercise of this course" in outside.stderr
    check = run("-m", "gradkit.cli.main", "check", "dropout", "--impl", "solutions", "--course", course, cwd=ROOT)
    assert check.returncode == 0 and "dropout         15/15" in check.stdout, check.stdout[-2000:]
    grade = run("-m", "gradkit.cli.main", "grade", "--impl", "solutions", "--course", course, cwd=ROOT)
    assert grade.returncode == 0 and "total           25/25" in grade.stdout, grade.stdout[-2000:]
    missing = run("-m", "gradkit.cli.main", "grade", "--course", tmp_path / "nope.toml", cwd=ROOT)
    assert missing.returncode == 2 and "nope.toml: no such course file" in missing.stderr
