"""The course runs through the real nbgrader: generate_assignment, autograde three students, feedback.

ada submits the reference code, bob the untouched release, cy the reference with one catalogue bug in
conv (db averaged over the batch: fails the public db check, 3 of 25 points, and the hidden one, 1 of 5).
A graded cell is worth the exercise's public + instructor-only points, unscaled: cy's conv scores 26 of 30, and
every surface (pytest, gradkit grade, grade-all, nbgrader) gives cy the same public, instructor and total points.

Slow (about two minutes on 2 cores: 18 notebooks, each a kernel and a sandboxed grading run). It is part
of the project's test command; deselect locally with `-k "not nbgrader"`.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook  # nbgrader is a dev dependency: missing, this module fails loudly

from gradkit.batch.samples import BUGS
from gradkit.release import leakcheck
from gradkit.release.catalogue import materialise
from gradkit.release.course import ASSIGNMENT, build_course
from gradkit.release.student import secrets

BUG = BUGS / "conv_db_averaged_over_batch.py"
CY_CONV = 25 - 3 + 5 - 1


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    completed = subprocess.run([sys.executable, "-m", "nbgrader", *args], check=False, cwd=course, capture_output=True, text=True, timeout=900)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return completed


def answer_cells(folder: Path) -> dict[str, str]:
    """{exercise: source of the answer cell} of every notebook in folder."""
    found = {}
    for path in sorted(folder.glob("*.ipynb")):
        book = nbformat.read(str(path), as_version=4)
        found[path.stem.split("_", 1)[1]] = next(c.source for c in book.cells if c.metadata["nbgrader"]["solution"])
    return found


def submit(course: Path, student: str, answers: dict[str, str], graded: dict[str, str] | None = None) -> None:
    """Copy the release into submitted/<student>/ and write the given answer cells (and graded cells)."""
    folder = course / "submitted" / student / ASSIGNMENT
    shutil.copytree(course / "release" / ASSIGNMENT, folder)
    for path in sorted(folder.glob("*.ipynb")):
        exercise = path.stem.split("_", 1)[1]
        book = nbformat.read(str(path), as_version=4)
        if exercise in answers:
            next(c for c in book.cells if c.metadata["nbgrader"]["solution"]).source = answers[exercise]
        if exercise in (graded or {}):
            next(c for c in book.cells if c.metadata["nbgrader"]["grade"]).source = graded[exercise]
        nbformat.write(book, str(path))


def changed_cells(log: str) -> dict[str, list[str]]:
    """{student: [grade ids]} of the cells autograde reported as changed ("Attribute 'checksum' ... has changed")."""
    found: dict[str, list[str]] = {}
    student = None
    for line in log.splitlines():
        sanitizing = re.search(r"Sanitizing .*submitted/([^/]+)/", line)
        if sanitizing:
            student = sanitizing.group(1)
        changed = re.search(r"Attribute 'checksum' for cell (\S+) has changed", line)
        if changed:
            found.setdefault(student, []).append(changed.group(1))
    return found


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = build_course(tmp_path_factory.mktemp("nbgrader") / "course")
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    reference = answer_cells(course / "source" / ASSIGNMENT)
    submit(course, "ada", reference)
    submit(course, "bob", {})
    buggy = materialise(BUG)
    # cy also rewrote relu's graded cell to award itself the points: reported, and graded as released.
    submit(course, "cy", {**reference, "conv": "%%writefile conv.py\n" + buggy}, graded={"relu": "10.0\n"})
    autograde = nbgrader(course, "autograde", ASSIGNMENT)
    (course / "autograde.log").write_text(autograde.stdout + autograde.stderr)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    return course


def scores(course: Path, student: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return {"total": submission.score, **{nb.name.split("_", 1)[1]: nb.score for nb in submission.notebooks}}


def feedback_text(course: Path, student: str, notebook: str) -> str:
    page = (course / "feedback" / student / ASSIGNMENT / f"{notebook}.html").read_text()
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_released_notebooks_hold_no_solution_and_no_hidden_test(course):
    release = course / "release" / ASSIGNMENT
    assert leakcheck.find_leaks(release, secrets()) == []
    for path in release.glob("*.ipynb"):
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text and "hidden = True" not in text
    assert not (release / "hidden").exists() and not list(release.rglob("*_hidden.py"))


def test_the_reference_gets_full_points(course):
    assert scores(course, "ada") == {"total": 120, "conv": 30, "pool": 18, "relu": 12, "linear": 18,
                                     "softmax_ce": 18, "sgd_momentum": 24}


def test_the_untouched_release_gets_zero(course):
    assert scores(course, "bob")["total"] == 0


def test_one_buggy_exercise_gets_the_exact_partial_score(course):
    cy = scores(course, "cy")
    assert cy["conv"] == pytest.approx(CY_CONV, abs=1e-4)
    assert cy["total"] == pytest.approx(90 + CY_CONV, abs=1e-4)


def test_every_surface_gives_the_same_score(course, tmp_path):
    """cy's files as nbgrader autograded them, through pytest, gradkit grade, grade-all and nbgrader."""
    folder = course / "autograded" / "cy" / ASSIGNMENT
    pytest_json, grade_json, csv_path = tmp_path / "pytest.json", tmp_path / "grade.json", tmp_path / "grades.csv"
    subprocess.run([sys.executable, "-m", "pytest", "--impl", str(folder), "--gradkit-json", str(pytest_json), "-q"],
                   cwd=tmp_path, capture_output=True, timeout=600, check=False)
    subprocess.run([sys.executable, "-m", "gradkit.cli.main", "grade", "--impl", str(folder), "--json", str(grade_json)],
                   cwd=tmp_path, capture_output=True, timeout=600, check=False)
    subprocess.run([sys.executable, "-m", "gradkit.cli.main", "grade-all", str(course / "autograded"), "--subfolder",
                    ASSIGNMENT, "--student", "cy", "--out", str(csv_path), "--jobs", "1"],
                   cwd=tmp_path, capture_output=True, timeout=900, check=True)
    public = [json.loads(p.read_text()) for p in (pytest_json, grade_json)]
    assert [(r["score"], r["max_score"]) for r in public] == [(97, 100), (97, 100)]
    with csv_path.open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["student"] == "cy")
    assert (row["public"], row["public_max"], row["instructor"], row["instructor_max"]) == ("97", "100", "19", "20")
    assert (row["score"], row["max_score"]) == ("116", "120")
    assert scores(course, "cy")["total"] == pytest.approx(116)


def test_feedback_shows_no_hidden_test_code_and_no_hidden_expected_values(course):
    text = feedback_text(course, "cy", "01_conv")
    assert "BEGIN HIDDEN TESTS" not in text and "hidden = True" not in text
    hidden_source = (course / "hidden" / "test_conv_hidden.py").read_text()
    for line in hidden_source.splitlines():
        if len(line.strip()) > 20:
            assert line.strip() not in text
    assert "larger_images" not in text and "larger images" not in text  # hidden test names
    # The public db failure is explained (its message once); the hidden one only counted, never shown.
    assert text.count("the gradient with respect to b (db) is wrong") == 1
    assert "instructor's further checks: 4 of 5 points" in text
    assert "conv: 26 of 30 points (public 22/25, instructor 4/5)" in text
    assert "your code ran in gradkit's sandbox" in text  # nbgrader_config.py switched the sandbox on


def test_autograde_reports_changed_graded_cells_and_only_those(course):
    changed = changed_cells((course / "autograde.log").read_text())
    assert "ada" not in changed and "bob" not in changed  # untouched graded cells verify cleanly
    assert changed.get("cy") == ["relu-tests"]
