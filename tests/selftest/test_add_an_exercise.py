"""README "Add your own exercise", followed literally in a temporary copy of the source: a leaky ReLU from the
files the README shows, then the stub, the stored examples and grading (reference full marks, the stub zero,
a wrong gradient loses points with dx named), and nothing outside the new files changes; then a release of a course
holding it (its wheel, course file and notebook) and its fingerprints."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", ".hypothesis", ".pytest_cache", "build", "dist",
                              "*.egg-info", "runs", ".venv", "mnist", "cifar10", "*.gz")


def readme_files() -> dict[str, str]:
    """{path: text} of the README section's code blocks that start with `# file: <path>`."""
    section = (ROOT / "README.md").read_text().split("### Add your own exercise", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```python\n# file: (.+?)\n(.*?)```", section, re.S)
    return {path.strip(): text for path, text in blocks}


def digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def run(copy: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(copy)}
    return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=600)


def grade(copy: Path, impl: str) -> list[dict]:
    out = copy / f"results-{Path(impl).name}.json"
    run(copy, "-m", "pytest", "tests/graded/test_leaky_relu.py", "--impl", impl, "--gradkit-json", str(out),
        "-p", "no:cacheprovider", "-q")
    return json.loads(out.read_text())["gradkit_outcomes"]


@pytest.fixture(scope="module")
def added(tmp_path_factory) -> tuple[Path, set[str], list[str]]:
    """A copy of the source with the README's leaky ReLU added, its stub and stored examples generated:
    (the copy, the files that changed, the README's new files)."""
    copy = tmp_path_factory.mktemp("kit") / "gradkit"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    files = readme_files()
    registry_line = files.pop("checker/specs/__init__.py (add to EXERCISES)")
    before = digests(copy)
    for path, text in files.items():
        (copy / path).write_text(text)
    registry = copy / "checker" / "specs" / "__init__.py"
    # At the end of EXERCISES, as the README says to add it.
    end = "\n    )\n}\n"
    assert registry.read_text().count(end) == 1
    registry.write_text(registry.read_text().replace(end, "\n" + registry_line.rstrip("\n") + end))

    stubs = run(copy, "-m", "gradkit.cli.main", "make-stubs")
    assert stubs.returncode == 0, stubs.stdout + stubs.stderr
    fixtures = run(copy, "-m", "gradkit.release.fixtures")
    assert fixtures.returncode == 0, fixtures.stdout + fixtures.stderr
    changed = {path for path, digest in digests(copy).items() if before.get(path) != digest}
    return copy, changed, sorted(files)


def test_a_new_exercise_takes_three_files_and_one_registry_line(added, tmp_path):
    copy, changed, files = added
    assert files == ["checker/specs/leaky_relu.py", "solutions/leaky_relu.py", "tests/graded/test_leaky_relu.py"]
    assert changed == {*files, "checker/specs/__init__.py", "exercises/leaky_relu.py",
                       "checker/fixtures/leaky_relu.npz"}, sorted(changed)

    reference = grade(copy, "solutions")
    assert len(reference) == 4 and all(o["passed"] for o in reference), reference
    assert sum(o["points"] for o in reference) == 10

    stub = grade(copy, "exercises")
    assert stub and not any(o["passed"] for o in stub), stub
    assert {o["status"] for o in stub} == {"not implemented"}, stub

    wrong = tmp_path / "wrong"
    shutil.copytree(copy / "solutions", wrong, ignore=SKIP)
    source = (wrong / "leaky_relu.py").read_text()
    (wrong / "leaky_relu.py").write_text(source.replace("return dout * self.slope", "return dout * (self.slope > 0.5)"))
    buggy = {o["name"]: o for o in grade(copy, str(wrong))}
    failed = [o for o in buggy.values() if not o["passed"]]
    assert [o["name"] for o in failed] == ["test_leaky_relu_dx_matches_numerical_gradient"], buggy
    assert failed[0]["tensor"] == "dx" and "LeakyReLU.backward" in failed[0]["message"], failed[0]


def test_a_course_with_the_new_exercise_releases_it(added, tmp_path):
    """The release, its wheel, nbgrader notebooks and the known-bug fingerprints pick the new exercise up."""
    copy, _, _ = added
    fingerprints = run(copy, "-m", "gradkit.release.fingerprints")
    assert fingerprints.returncode == 0, fingerprints.stdout + fingerprints.stderr
    release = run(copy, "-m", "gradkit.cli.main", "release", "--out", str(tmp_path / "rel"),
                  "--exercises", "relu,leaky_relu")
    assert release.returncode == 0, release.stdout + release.stderr
    wheel = next((tmp_path / "rel" / "student").glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        course = json.loads(archive.read("gradkit/course.json"))
    assert {"gradkit/exercises/leaky_relu.py", "gradkit/graded/test_leaky_relu.py"} <= names
    assert course["exercises"] == ["relu", "leaky_relu"]
    notebooks = sorted(p.name for p in (tmp_path / "rel" / "course" / "source").rglob("*.ipynb"))
    assert len(notebooks) == 2 and any("leaky_relu" in name for name in notebooks), notebooks
