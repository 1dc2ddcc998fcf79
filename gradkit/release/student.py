"""The student release: what students download, built from solutions/ and the kit, leak-checked.

Layout of the release folder::

    README.md            how to work and how grading works (STUDENT_README below)
    pyproject.toml       plain `pytest` grades exercises/ (and pip install -e . gets the dependencies)
    conftest.py          loads the grading plugin from checker/ (no gradkit install needed)
    exercises/           the six stubs, generated from solutions/ now (never copied from exercises/)
    checker/             the grading library, its fixtures and fingerprints
    tests/graded/        the public graded tests
    data/                the dataset samples

No solutions, no hidden tests: the folder is assembled in a temporary place, checked by
`leakcheck.check_release`, and only then moved to its destination, so a failed check writes nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from gradkit.errors import UserError
from gradkit.release import leakcheck
from gradkit.release.stubs import expected_stubs

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")

PYPROJECT = """\
[project]
name = "gradkit-exercises"
version = "{version}"
description = "CNN layers from scratch in NumPy: the exercises and their grader."
requires-python = ">=3.11"
dependencies = ["numpy>=1.26", "pytest>=8", "hypothesis>=6.100"]

[tool.setuptools]
packages = []

[tool.pytest.ini_options]
# Plain `pytest` grades your exercises/ with the graded tests and prints your score.
testpaths = ["tests/graded"]
pythonpath = ["."]
# An installed gradkit registers the same plugin under the name "gradkit"; this folder's copy wins.
addopts = "-p no:cacheprovider -p no:gradkit"
"""

CONFTEST = '''\
"""Load the grading plugin from this folder's checker/ (the release needs no gradkit install)."""

pytest_plugins = ["checker.plugin"]
'''

STUDENT_README = """\
# CNN layers from scratch in NumPy

You write six layers of a convolutional network in NumPy. Each lives in its own file in `exercises/`; the
module docstring explains the maths, the contract the grader checks, traps and hints.

| exercise | file | class | points |
|---|---|---|---|
{table}

## Work and check

```
pip install -e .          # numpy, pytest, hypothesis
pytest                    # grades all six exercises and prints your score table
pytest tests/graded/test_conv.py    # one exercise
pytest -x -k dW           # stop at the first failure, only the dW checks
```

Write your code where a method says `raise NotImplementedError(...)`. Do not rename the files, the classes
or the methods: the grader imports them by name. A failing check prints a short message: what is wrong,
on which small case, and often why (for example "your db = 0.5 x the true one everywhere").

## How you are graded

Your six files are graded by the same tests you run here, with the same points. Your instructor may add
further checks of their own (for example larger cases). Grading runs your code in a sandbox: it may use
NumPy and the Python standard library, it cannot read or write files, start processes or use the network,
and each call has a time limit. Printing is fine but nobody sees it.

## What is in this folder

- `exercises/`: your six files (the only files you edit)
- `tests/graded/`: the graded tests; `checker/`: the grading library they use
- `data/`: small samples of MNIST and CIFAR-10
"""


def _points_table() -> str:
    """The exercise table of the README, points read from the graded tests' markers."""
    import ast

    from gradkit.checker.names import EXERCISES

    rows = []
    for exercise in EXERCISES.values():
        tree = ast.parse((ROOT / "tests" / "graded" / f"test_{exercise.name}.py").read_text())
        points = 0.0
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "points" and node.args:
                points += float(ast.literal_eval(node.args[0]))
        rows.append(f"| {exercise.title} | `exercises/{exercise.file}` | `{exercise.cls}` | {points:g} |")
    return "\n".join(rows)


def secrets(root: Path = ROOT) -> dict[str, str]:
    """The lines no release may contain: solution regions and instructor-only tests."""
    public = sorted((root / "tests" / "graded").glob("*.py")) + sorted((root / "checker").glob("*.py"))
    hidden = sorted((root / "tests" / "hidden").glob("*.py")) if (root / "tests" / "hidden").is_dir() else []
    return leakcheck.secret_lines(sorted((root / "solutions").glob("*.py")), hidden, public)


def assemble(target: Path, root: Path = ROOT) -> Path:
    """Write the release's files into `target` (an empty folder); no leak check here."""
    from gradkit import __version__

    (target / "exercises").mkdir(parents=True)
    for name, text in expected_stubs(root / "solutions").items():
        (target / "exercises" / name).write_text(text, encoding="utf-8", newline="\n")
    shutil.copytree(root / "checker", target / "checker", ignore=SKIP)
    (target / "tests").mkdir()
    shutil.copytree(root / "tests" / "graded", target / "tests" / "graded", ignore=SKIP)
    (target / "data").mkdir()
    for sample in sorted((root / "data").glob("*-sample.npz")):
        shutil.copyfile(sample, target / "data" / sample.name)
    (target / "pyproject.toml").write_text(PYPROJECT.format(version=__version__))
    (target / "conftest.py").write_text(CONFTEST)
    (target / "README.md").write_text(STUDENT_README.format(table=_points_table()))
    return target


def build_student_release(out: Path, root: Path = ROOT, *, force: bool = False) -> Path:
    """Assemble, leak-check, then move the release to `out`; raise LeakError/UserError and write nothing on failure."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not force:
        raise UserError(f"{out} exists and is not empty (use --force to replace it)")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".gradkit-release-", dir=out.parent))
    try:
        release = assemble(staging / "student", root)
        leakcheck.check_release(release, secrets(root))
        if out.exists():
            shutil.rmtree(out)
        release.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
