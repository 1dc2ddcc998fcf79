"""`gradkit release`: the student release (the wheel and a README; the wheel's workflow is in test_wheel.py)
and the nbgrader course folder; both from solutions/ alone, refusing leaks and bad markers with file and line."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from gradkit.checker.course import DEFAULT
from gradkit.release import leakcheck
from gradkit.release.course import build_course
from gradkit.release.markers import MarkerError
from gradkit import layout
from gradkit.release.student import build_student_release, secrets
from gradkit.release.wheel import check_wheel

ROOT = layout.source_root()

SOLUTION_LINE = "x_pad[:C, padding:padding + H, padding:padding + W] = x[n]  # the border stays zero"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return build_student_release(tmp_path_factory.mktemp("out") / "student")


def fake_root(tmp_path: Path) -> Path:
    """A copy of the kit's sources that a test may spoil."""
    root = tmp_path / "kit"
    for part in ("solutions", "checker", "tests/graded", "tests/hidden", "data", "exercises", "gradkit"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__", "mnist", "cifar10"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, root / name)
    return root


def test_the_release_is_the_wheel_and_a_readme(release):
    names = sorted(p.name for p in release.iterdir())
    assert len(names) == 2 and names[0] == "README.md" and names[1].startswith("gradkit-") and names[1].endswith(".whl")
    readme = (release / "README.md").read_text()
    assert f"python -m pip install {names[1]}" in readme and "gradkit init my-cnn" in readme
    assert "out of 100" in readme


def test_no_solution_or_hidden_test_line_is_in_the_release(release):
    table = secrets(ROOT)
    assert SOLUTION_LINE in table and any(origin.startswith("hidden/") for origin in table.values())
    assert "KH, KW = self.kernel_size" not in table  # shown by the provided code: not a secret
    assert leakcheck.find_leaks(release, table) == []
    check_wheel(next(release.glob("*.whl")), table)


def test_a_leak_stops_the_release_naming_file_and_line_and_writes_nothing(tmp_path):
    root = fake_root(tmp_path)
    hints = root / "checker" / "hints.py"
    hints.write_text(hints.read_text() + f"\n# {SOLUTION_LINE}\n    {SOLUTION_LINE}\n")
    out = tmp_path / "out" / "student"
    with pytest.raises(leakcheck.LeakError) as raised:
        build_student_release(out, root)
    message = str(raised.value)
    lineno = len(hints.read_text().splitlines())
    assert f"gradkit/checker/hints.py line {lineno}" in message and "solutions/conv.py:" in message
    assert not out.exists() and not [p for p in out.parent.iterdir() if p.name != "student"]


def test_bad_markers_stop_release_and_course_with_file_and_line(tmp_path):
    root = fake_root(tmp_path)
    relu = root / "solutions" / "relu.py"
    lines = relu.read_text().splitlines()
    end = max(i for i, line in enumerate(lines) if line.strip() == "### END SOLUTION")
    lines[end] = lines[end].replace("### END SOLUTION", "## END SOLUTION")
    relu.write_text("\n".join(lines) + "\n")
    with pytest.raises(MarkerError, match=rf"solutions/relu.py:{end + 1}: malformed marker"):
        build_student_release(tmp_path / "out" / "student", root)
    with pytest.raises(MarkerError, match=rf"solutions/relu.py:{end + 1}: malformed marker"):
        build_course(tmp_path / "out" / "course", root)


def test_the_course_is_nbgrader_ready(tmp_path):
    course = build_course(tmp_path / "course")
    source = course / "source" / "cnn-layers"
    notebooks = sorted(source.glob("*.ipynb"))
    assert [p.name for p in notebooks] == [f"{i:02d}_{e}.ipynb" for i, e in enumerate(DEFAULT.exercises, start=1)]
    config = (course / "nbgrader_config.py").read_text()
    assert "c.Autograde.exclude_overwriting = {'cnn-layers': ['conv.py', 'pool.py', 'relu.py', 'linear.py', " \
           "'softmax_ce.py', 'sgd_momentum.py']}" in config
    assert "c.Execute.timeout = 300" in config and "ClearHiddenTests" in config
    total = 0.0
    for path in notebooks:
        book = nbformat.read(str(path), as_version=4)
        nbformat.validate(book)
        meta = [c.metadata["nbgrader"] for c in book.cells]
        assert len({m["grade_id"] for m in meta}) == len(meta) and all(m["schema_version"] == 3 for m in meta)
        answer = next(c for c in book.cells if c.metadata["nbgrader"]["solution"])
        graded = next(c for c in book.cells if c.metadata["nbgrader"]["grade"])
        assert answer.source.startswith("%%writefile ") and "### BEGIN SOLUTION" in answer.source
        assert "### BEGIN HIDDEN TESTS\nhidden = True\n### END HIDDEN TESTS" in graded.source
        assert graded.source.rstrip().endswith("points") and graded.metadata["nbgrader"]["locked"]
        total += graded.metadata["nbgrader"]["points"]
    assert total == 120  # public 100 + instructor-only 20, unscaled (one score everywhere)
    assert sorted(p.name for p in (course / "hidden").iterdir()) == [f"test_{e}_hidden.py" for e in sorted(DEFAULT.exercises)]
    assert not (source / "tests" / "hidden").exists()


def test_hints_stay_above_the_fence_so_nbgrader_keeps_them(tmp_path):
    book = nbformat.read(str(build_course(tmp_path / "course") / "source" / "cnn-layers" / "01_conv.ipynb"), 4)
    answer = next(c for c in book.cells if c.metadata["nbgrader"]["solution"]).source.splitlines()
    begin = answer.index("        ### BEGIN SOLUTION")
    assert answer[begin - 1].strip().startswith("# hint: write Conv2D.forward")


def test_the_graded_cell_returns_a_float_and_never_writes_to_stderr(tmp_path, capsys, monkeypatch):
    course = build_course(tmp_path / "course")
    assignment = course / "source" / "cnn-layers"
    monkeypatch.syspath_prepend(str(assignment))
    monkeypatch.delenv("GRADKIT_SANDBOX", raising=False)
    import gradkit_notebook

    shutil.copyfile(ROOT / "solutions" / "relu.py", assignment / "relu.py")
    score = gradkit_notebook.grade("relu", 10, folder=str(assignment))
    missing = gradkit_notebook.grade("pool", 15, folder=str(assignment))
    hidden = gradkit_notebook.grade("relu", 10, hidden=True, folder=str(assignment))
    captured = capsys.readouterr()
    assert (type(score), score, missing) == (float, 10.0, 0.0)
    assert hidden == 0.0 and "hidden tests are not available" in captured.out
    assert captured.err == ""
    assert "relu: 10 of 10 points" in captured.out and "missing file" in captured.out
    sys.modules.pop("gradkit_notebook", None)
