"""`gradkit gradescope`: the autograder zip, unpacked as Gradescope unpacks it, set up by its own setup.sh in a fresh
venv (offline) and run by its own run_autograder on a correct, a buggy and an empty upload; its results.json checked
against Gradescope's documented schema and against grade-all's grades of the same files."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import jsonschema
import numpy
import pytest
from packaging.requirements import Requirement
from venvs import bare_venv

from gradkit import layout
from gradkit.batch.gradescope import results_for, unrun_outcomes
from gradkit.batch.samples import BUGS, SOLUTIONS, write_bug, write_reference
from gradkit.batch.scheduler import grade_all
from gradkit.batch.submission import ERROR, GRADED, MISSING, TIMED_OUT, StudentResult
from gradkit.batch.uploads import find_exercise_files, plain_name, stage
from gradkit.checker.course import load
from gradkit.checker.impl import MAX_SOURCE_BYTES
from gradkit.errors import UserError
from gradkit.checker.runner import graded_files
from gradkit.cli.main import main
from gradkit.release import leakcheck
from gradkit.release.gradescope import check_autograder, hidden_tests, solution_secrets
from gradkit.release.requirements import pinned
from gradkit.release.student import secrets

ROOT = layout.source_root()
BUG = BUGS / "linear_db_averaged_over_batch.py"  # fails linear's public db check and its hidden one
COURSE = 'name = "small"\nexercises = ["relu", "linear"]\n[points]\nlinear = 20\n'  # linear's tests scaled by 4/3
BOM = b"\xef\xbb\xbf"

# Gradescope's results.json as its autograder specification documents it (gradescope-autograders.readthedocs.io,
# "Autograder Specifications": output format, test case visibility and status, output string formatting).
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
NUMBER = {"type": "number"}
TEST = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "score": NUMBER, "max_score": NUMBER, "status": {"enum": ["passed", "failed"]}, "name": {"type": "string"},
        "name_format": FORMAT, "number": {"type": "string"}, "output": {"type": "string"}, "output_format": FORMAT,
        "tags": {"type": "array", "items": {"type": "string"}}, "visibility": VISIBILITY, "extra_data": {"type": "object"},
    },
}
RESULTS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "score": NUMBER, "execution_time": NUMBER, "output": {"type": "string"}, "output_format": FORMAT,
        "test_output_format": FORMAT, "test_name_format": FORMAT, "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY, "extra_data": {"type": "object"}, "tests": {"type": "array", "items": TEST},
        "leaderboard": {"type": "array", "items": {
            "type": "object", "required": ["name", "value"],
            "properties": {"name": {"type": "string"}, "value": {}, "order": {"enum": ["asc", "desc"]}}}},
    },
    # "score: optional, but required if not on each test case"
    "anyOf": [{"required": ["score"]},
              {"required": ["tests"], "properties": {"tests": {"items": {"required": ["score"]}}}}],
}
# What gradkit always writes, on top of the schema: the issue's fields.
WRITTEN = {"score", "output", "tests"}
WRITTEN_PER_TEST = {"name", "score", "max_score", "output", "visibility"}


def validate(results: dict) -> None:
    jsonschema.validate(results, RESULTS)
    assert WRITTEN <= set(results)
    assert all(WRITTEN_PER_TEST <= set(test) for test in results["tests"])


def per_test(results: dict) -> dict[str, tuple[float, float]]:
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"]}


@pytest.fixture(scope="module")
def course_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("course") / "course.toml"
    path.write_text(COURSE)
    return path


PRINTED: dict[str, str] = {}  # what the command told the instructor, by the archive fixture


@pytest.fixture(scope="module")
def archive(tmp_path_factory, course_file) -> Path:
    out = tmp_path_factory.mktemp("zip") / "autograder.zip"
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        assert main(["gradescope", "--out", str(out), "--course", str(course_file)]) == 0
    PRINTED["gradescope"] = printed.getvalue()
    return out


@pytest.fixture(scope="module")
def gradescope(tmp_path_factory, archive) -> Path:
    """A folder laid out as Gradescope's /autograder, set up by the zip's own setup.sh (offline: the venv it reuses
    reaches this environment's packages, which the pinned requirements name at their installed versions)."""
    root = tmp_path_factory.mktemp("autograder")
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):  # zipfile drops the mode bits the zip holds
        (root / "source" / script).chmod(0o755)
    bare_venv(root / "gradkit-venv")
    done = _run(root, root / "source" / "setup.sh", PIP_NO_INDEX="1")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return root


def _run(root: Path, script: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRADKIT_DATA")}
    env.update(GRADKIT_AUTOGRADER_ROOT=str(root), **extra)
    return subprocess.run([str(script)], cwd=root, env=env, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)


def autograde(root: Path, upload: Path | None) -> dict:
    """Gradescope's run for one submission: `upload`'s files in submission/, then run_autograder."""
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "results").mkdir()
    if upload is None:
        (root / "submission").mkdir()
    else:
        shutil.copytree(upload, root / "submission", symlinks=True)
    done = _run(root, root / "source" / "run_autograder")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((root / "results" / "results.json").read_text())


@pytest.fixture(scope="module")
def uploads(tmp_path_factory) -> dict[str, Path]:
    """The same files twice: flat, one folder per student, for grade-all; and as students upload them, for
    Gradescope (the correct one loose, the buggy one inside a folder, renamed, with a byte-order mark)."""
    base = tmp_path_factory.mktemp("uploads")
    write_reference(base / "class" / "ada")
    write_bug(base / "class" / "cy", BUG)
    relu = base / "class" / "cy" / "relu.py"
    relu.write_bytes(BOM + relu.read_bytes())
    (base / "class" / "dan").mkdir()
    shutil.copytree(base / "class" / "ada", base / "gradescope" / "ada")
    nested = base / "gradescope" / "cy" / "hw3 final"
    nested.mkdir(parents=True)
    for path in (base / "class" / "cy").iterdir():
        shutil.copyfile(path, nested / path.name)
    (nested / "linear.py").rename(nested / "Linear (1).py")
    return {"class": base / "class", "gradescope": base / "gradescope"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, gradescope, uploads, course_file) -> dict:
    out = tmp_path_factory.mktemp("grades") / "grades.csv"
    summary = grade_all(uploads["class"], out, jobs=2, course=load(course_file))
    with out.open() as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    autograded = {"ada": autograde(gradescope, uploads["gradescope"] / "ada"),
                  "cy": autograde(gradescope, uploads["gradescope"] / "cy"),
                  "dan": autograde(gradescope, None)}
    return {"grade_all": {r.student: r for r in summary.results}, "rows": rows, "gradescope": autograded}


def test_the_zip_holds_the_scripts_pins_wheel_and_hidden_tests_and_no_solution(archive, tmp_path):
    with zipfile.ZipFile(archive) as opened:
        names = sorted(opened.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in opened.infolist()}
        requirements = opened.read("requirements.txt").decode()
        opened.extractall(tmp_path / "zip")
    assert names == ["gradkit-0.1.0-py3-none-any.whl", "hidden/test_linear_hidden.py", "hidden/test_relu_hidden.py",
                     "requirements.txt", "run_autograder", "setup.sh"]
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert f"numpy=={numpy.__version__}\n" in requirements
    assert f"pytest=={pytest.__version__}\n" in requirements and "gradkit" not in requirements.split("\n", 1)[1]
    with zipfile.ZipFile(tmp_path / "zip" / names[0]) as opened:
        opened.extractall(tmp_path / "wheel")
        assert json.loads(opened.read("gradkit/course.json"))["exercises"] == ["relu", "linear"]
    # No line of a solution anywhere, the wheel's files included; the hidden tests' lines only in hidden/.
    assert leakcheck.find_leaks(tmp_path, solution_secrets(ROOT)) == []
    hidden = leakcheck.find_leaks(tmp_path, secrets(ROOT))
    assert {leak.released.split(" ")[0] for leak in hidden} == {"zip/hidden/test_relu_hidden.py",
                                                                "zip/hidden/test_linear_hidden.py"}
    check_autograder(archive, ROOT)


def test_a_zip_with_a_solution_or_a_stray_file_inside_is_refused(archive, tmp_path):
    planted = tmp_path / "planted.zip"
    shutil.copyfile(archive, planted)
    with zipfile.ZipFile(planted, "a") as opened:
        opened.writestr("hidden/test_conv_hidden.py", (SOLUTIONS / "conv.py").read_text())
    with pytest.raises(leakcheck.LeakError, match="secret line"):
        check_autograder(planted, ROOT)
    shutil.copyfile(archive, planted)
    with zipfile.ZipFile(planted, "a") as opened:
        opened.writestr("solutions/relu.py", "")
    with pytest.raises(leakcheck.LeakError, match="must not: solutions/relu.py"):
        check_autograder(planted, ROOT)


def test_results_follow_gradescope_schema_and_grade_alls_grades(graded):
    for student, status in (("ada", GRADED), ("cy", GRADED), ("dan", MISSING)):
        results, mine, row = graded["gradescope"][student], graded["grade_all"][student], graded["rows"][student]
        validate(results)
        assert mine.status == status
        most = sum(t["max_score"] for t in results["tests"])
        assert (results["score"], most) == pytest.approx((float(row["score"]), float(row["max_score"])), rel=1e-5)
        if status == GRADED:
            assert per_test(results) == {f"{o.exercise}: {o.short_name}": (o.score, o.points) for o in mine.outcomes}
    ada, cy, dan = (graded["gradescope"][s] for s in ("ada", "cy", "dan"))
    assert (ada["score"], sum(t["max_score"] for t in ada["tests"])) == pytest.approx((36, 36))  # 30 + 6 hidden
    told = "set the assignment's total to 36 points on Gradescope: 30 public + 6 instructor-only"
    assert told in PRINTED["gradescope"]  # what the instructor enters, so Gradescope shows 36/36, not 36/30
    assert cy["score"] == pytest.approx(36 - (2 + 1) * 4 / 3)  # linear's db: public 2, hidden 1, each times 4/3
    failed = {t["name"]: t for t in cy["tests"] if t["status"] == "failed"}
    assert set(failed) == {"linear: db_matches_numerical_gradient", "linear_hidden: db_on_wider_layers"}
    assert "db" in failed["linear: db_matches_numerical_gradient"]["output"]
    assert failed["linear: db_matches_numerical_gradient"]["visibility"] == "visible"
    assert failed["linear_hidden: db_on_wider_layers"]["visibility"] == "after_published"
    # Students see the summary at once: which file was graded, the public table, never an instructor-only result.
    assert cy["output"].splitlines() == [
        "relu.py: graded hw3 final/relu.py", "linear.py: graded hw3 final/Linear (1).py",
        "relu            10/10", "linear        17.3333/20    failed: db_matches_numerical_gradient",
        "total         27.3333/30", "instructor-only checks: 6 more points, shown when grades are published"]
    assert dan["score"] == 0 and len(dan["tests"]) == len(ada["tests"])
    assert dan["output"] == "no files submitted: upload relu.py, linear.py (loose, or together in one folder)"
    assert all(t["output"] == dan["output"] and t["score"] == 0 for t in dan["tests"])


FORGER = """\
import sys

FAKE = {{"score": 1000, "tests": []}}


def forge():
    for module in list(sys.modules.values()):
        for name in ("gradescope_results", "results_for", "grade_submission"):
            if getattr(module, "__name__", "").startswith("gradkit") and hasattr(module, name):
                setattr(module, name, lambda *args, **kwargs: FAKE)
    try:
        with open({target!r}, "w") as handle:
            handle.write('{{"score": 1000, "tests": []}}')
    except OSError:
        pass


forge()


class ReLU:
    def __init__(self):
        self.params, self.grads = {{}}, {{}}

    def forward(self, x):
        forge()
        raise NotImplementedError("write ReLU.forward")

    def backward(self, dout):
        raise NotImplementedError("write ReLU.backward")
"""


def test_code_that_forges_the_results_changes_nothing_it_never_runs_where_they_are_written(gradescope, tmp_path):
    upload = tmp_path / "upload"
    upload.mkdir()
    shutil.copyfile(SOLUTIONS / "linear.py", upload / "linear.py")
    (upload / "relu.py").write_text(FORGER.format(target=str(gradescope / "results" / "results.json")))
    results = autograde(gradescope, upload)
    validate(results)
    assert results["score"] == pytest.approx(20 + 4)  # linear's public and hidden points, none of relu's
    assert {t["output"].split(":")[0] for t in results["tests"] if t["name"].startswith("relu")} == \
        {"not implemented yet"}


def test_a_submission_that_could_not_be_graded_gets_every_test_at_zero_with_the_reason(course_file):
    course = load(course_file)
    files = [*graded_files(course=course), *(p for p in hidden_tests(ROOT, course))]
    for status, reason in ((TIMED_OUT, "grading took longer than 480 s; stopped"),
                           (ERROR, "the grader produced no results: boom")):
        results = results_for(StudentResult("submission", status, [], reason), course, files, [])
        validate(results)
        assert results["score"] == 0 and sum(t["max_score"] for t in results["tests"]) == pytest.approx(36)
        assert results["output"] == f"not graded: {reason}"
        assert {t["visibility"] for t in results["tests"]} == {"visible", "after_published"}
    assert len(unrun_outcomes(files, course, "x")) == 5 + 8 + 1 + 3  # relu, linear, then their hidden tests


def test_the_schema_check_refuses_what_gradescope_would_not_read():
    good = {"score": 1.0, "output": "", "tests": [{"name": "a", "score": 1, "max_score": 1, "output": "",
                                                    "visibility": "visible"}]}
    validate(good)
    for bad in ({**good, "tests": [{**good["tests"][0], "visibility": "sometimes"}]},
                {**good, "tests": [{**good["tests"][0], "score": "1"}]},
                {**good, "max_points": 1},
                {"output": "", "tests": [{"name": "a"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, RESULTS)


def test_the_upload_is_searched_for_the_course_files_however_it_is_laid_out(tmp_path):
    assert [plain_name(n) for n in ("conv.py", "Conv (1).py", "conv copy.py", "conv - Copy.py", "conv.py.txt",
                                    " CONV.PY ", "conv.txt", "conv", ".py")] == \
        ["conv.py"] * 6 + [None, None, None]
    upload = tmp_path / "upload"
    work, stray, other = upload / "cnn" / "my work", upload / "old", upload / "other"
    for folder in (work, stray, other, upload / "__MACOSX" / "cnn", upload / "a" / "b" / "c" / "d" / "e"):
        folder.mkdir(parents=True)
    (work / "relu.py").write_bytes(BOM + b"# mine\n")
    (work / "Linear.py").write_text("# mine, renamed\n")
    (work / "sgd_momentum (2).py").write_text("# mine, downloaded twice\n")
    (stray / "relu.py").write_text("# an old copy, shallower but alone in its folder\n")
    (other / "linear.py").write_text("# exactly named: beats a renamed one\n")
    (upload / "__MACOSX" / "cnn" / "conv.py").write_text("# a shadow copy\n")
    (upload / "._conv.py").write_text("# a resource fork\n")
    (upload / "a" / "b" / "c" / "d" / "e" / "conv.py").write_text("# too deep\n")
    (upload / "pool.py").symlink_to(SOLUTIONS / "pool.py")  # never followed
    (upload / "softmax_ce.py").mkdir()  # not a file
    wanted = ["relu.py", "linear.py", "sgd_momentum.py", "conv.py", "pool.py", "softmax_ce.py"]
    found = find_exercise_files(upload, wanted)
    assert {name: f.shown for name, f in found.items()} == {"relu.py": "cnn/my work/relu.py",
                                                            "linear.py": "other/linear.py",
                                                            "sgd_momentum.py": "cnn/my work/sgd_momentum (2).py"}
    (other / "linear.py").unlink()
    found = find_exercise_files(upload, ["relu.py", "linear.py"])
    assert (found["linear.py"].shown, found["linear.py"].exact) == ("cnn/my work/Linear.py", False)
    big = upload / "conv.py"
    with big.open("wb") as handle:
        handle.truncate(MAX_SOURCE_BYTES + 4096)
    staged = tmp_path / "staged"
    stage({**found, **find_exercise_files(upload, ["conv.py"])}, staged)
    assert (staged / "relu.py").read_bytes() == BOM + b"# mine\n"  # bytes as uploaded: the grader reads the BOM
    assert (staged / "linear.py").read_text() == "# mine, renamed\n"
    assert (staged / "conv.py").stat().st_size == MAX_SOURCE_BYTES + 1  # still refused as too large, never read whole


def test_the_command_refuses_a_bad_destination_in_one_line(archive, tmp_path, capsys):
    assert main(["gradescope", "--out", str(tmp_path / "autograder.tar")]) == 2
    assert main(["gradescope", "--out", str(archive)]) == 2
    assert main(["gradescope", "--out", str(tmp_path / "missing" / "a.zip")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"gradkit gradescope: --out {tmp_path / 'autograder.tar'}: name a .zip file, e.g. --out "
                     "autograder.zip",
                     f"gradkit gradescope: {archive} exists (use --force to replace it)",
                     f"gradkit gradescope: --out {tmp_path / 'missing' / 'a.zip'}: the folder {tmp_path / 'missing'} "
                     "does not exist"]


def test_pins_are_what_is_installed_here_or_a_one_line_error():
    pins = pinned([Requirement("pytest>=8"), Requirement('colorama; sys_platform == "win32"')])
    assert pins["pytest"] == pytest.__version__ and "pluggy" in pins and "colorama" not in pins
    with pytest.raises(UserError, match="surely-not-a-package is not installed here"):
        pinned([Requirement("surely-not-a-package")])
    with pytest.raises(UserError, match=f"numpy {numpy.__version__} is installed here, but numpy<1 is required"):
        pinned([Requirement("numpy<1")])
