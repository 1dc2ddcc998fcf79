"""The wheel students install: built once, allow-listed, leak-checked, and the student workflow run from it
in a fresh virtual environment outside the repository (offline: the venv reaches this environment's
NumPy, pytest and hypothesis through a path file, never gradkit's editable install)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from venvs import run_in as _run
from venvs import venv_with

from gradkit import layout
from gradkit.checker.course import DEFAULT
from gradkit.checker.specs import EXERCISES
from gradkit.release import leakcheck
from gradkit.release.student import secrets
from gradkit.release.wheel import NOT_SOURCE, build_wheel, check_wheel, unexpected_files

ROOT = layout.source_root()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(ROOT, tmp_path_factory.mktemp("wheel"), DEFAULT)


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    """A fresh venv with the wheel installed; returns its python."""
    return venv_with(wheel, tmp_path_factory.mktemp("venv") / "env")


def test_the_wheel_holds_only_what_students_may_have(wheel):
    assert unexpected_files(wheel) == []
    check_wheel(wheel, secrets(ROOT))  # no solution line, no hidden-test line in any file
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        shipped = json.loads(archive.read("gradkit/course.json"))
    assert {f"gradkit/exercises/{e.file}" for e in EXERCISES.values()} <= names
    assert {f"gradkit/graded/test_{e}.py" for e in EXERCISES} <= names
    assert shipped == DEFAULT.to_dict()  # the course it was built for: the installed gradkit grades that one
    assert not any(n.startswith(("checker/", "solutions/", "exercises/", "tests/")) for n in names)
    assert not any("solutions" in n or "hidden" in n or "/bugs/" in n or "naive" in n for n in names)


def test_a_plain_pip_wheel_of_the_source_is_the_same_product_without_its_course(wheel, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(tmp_path / "dist")], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=600)
    assert done.returncode == 0, done.stderr
    (plain,) = (tmp_path / "dist").glob("gradkit-*.whl")
    with zipfile.ZipFile(wheel) as released, zipfile.ZipFile(plain) as built:
        assert set(built.namelist()) == set(released.namelist()) - {"gradkit/course.json"}
        metadata = next(n for n in built.namelist() if n.endswith("/METADATA"))
        assert built.read(metadata) == released.read(metadata)  # the student description, not the README
        assert b"Add your own exercise" not in built.read(metadata)


def test_a_wheel_with_a_solution_inside_is_refused(wheel, tmp_path):
    planted = tmp_path / wheel.name
    shutil.copyfile(wheel, planted)
    with zipfile.ZipFile(planted, "a") as archive:
        archive.writestr("gradkit/checker/extra.py", (ROOT / "solutions" / "conv.py").read_text())
    with pytest.raises(leakcheck.LeakError, match="secret line"):
        check_wheel(planted, secrets(ROOT))
    with zipfile.ZipFile(planted, "a") as archive:
        archive.writestr("gradkit/solutions/__init__.py", "")
    with pytest.raises(leakcheck.LeakError, match="must not get: gradkit/solutions/__init__.py"):
        check_wheel(planted, secrets(ROOT))


def test_the_student_workflow_from_the_installed_wheel(venv, tmp_path):
    found = _run(venv, "-c", "import gradkit; print(gradkit.__file__)", cwd=tmp_path)
    assert str(venv.parent.parent) in found.stdout, found.stdout + found.stderr
    assert _run(venv, "-c", "import gradkit.solutions", cwd=tmp_path).returncode != 0

    work = tmp_path / "my-cnn"
    assert _run(venv, "-m", "gradkit.cli.main", "init", work, cwd=tmp_path).returncode == 0
    files = [EXERCISES[name].file for name in DEFAULT.exercises]
    assert sorted(p.name for p in work.iterdir()) == sorted([*files, "README.md", "pytest.ini"])
    again = _run(venv, "-m", "gradkit.cli.main", "init", work, cwd=tmp_path)
    assert again.returncode == 2 and "never overwrites" in again.stderr

    stubs = _run(venv, "-m", "pytest", "-q", cwd=work)
    assert "total            0/100" in stubs.stdout, stubs.stdout[-2000:]
    assert stubs.returncode != 0

    # A correct implementation, written here by the test: full marks from every student surface.
    for file in files:
        shutil.copyfile(ROOT / "solutions" / file, work / file)
    graded = _run(venv, "-m", "pytest", "-q", cwd=work)
    assert "total          100/100" in graded.stdout and graded.returncode == 0, graded.stdout[-2000:]
    cli = _run(venv, "-m", "gradkit.cli.main", "grade", cwd=work)
    assert cli.returncode == 0 and "100/100" in cli.stdout
    check = _run(venv, "-m", "gradkit.cli.main", "check", "conv", "--plot", "conv.png", cwd=work)
    assert check.returncode == 0 and (work / "conv.png").stat().st_size > 0, check.stdout[-2000:] + check.stderr
    train = _run(venv, "-m", "gradkit.cli.main", "train", "mnist", "--impl", ".", "--epochs", "1",
                 "--out", "runs", cwd=work, timeout=600)
    assert train.returncode == 0 and "test accuracy" in train.stdout, train.stdout[-2000:] + train.stderr

    release = _run(venv, "-m", "gradkit.cli.main", "release", "--out", tmp_path / "rel", cwd=tmp_path)
    assert release.returncode == 2 and "instructor's source" in release.stderr
    assert len(release.stderr.strip().splitlines()) == 1


def test_installing_gradkit_leaves_other_projects_pytest_runs_alone(venv, tmp_path):
    (tmp_path / "test_other.py").write_text(
        "from hypothesis import settings\n\n"
        # Hypothesis itself picks 'ci' when the CI variable is set; what matters is that gradkit's is not loaded.
        "def test_profile():\n    assert not settings.get_current_profile_name().startswith('gradkit')\n\n"
        "def test_no_impl_fixture(request):\n"
        "    assert 'impl' not in request.fixturenames\n")
    run = _run(venv, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-2000:]
    assert "gradkit" not in run.stdout
