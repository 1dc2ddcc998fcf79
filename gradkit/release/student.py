"""The student release: the wheel students install, and a README that says how to start.

Layout of the release folder::

    gradkit-<version>-py3-none-any.whl    the kit students install (gradkit.release.wheel: one build,
                                          allow-listed file list, leak-checked)
    README.md                             install, `gradkit init`, how grading works

The wheel holds the CLI, the grading library, the public graded tests, the stubs (templates for
`gradkit init`), the data samples and the course it was released for (which exercises, what points); never
a solution, a hidden test or the bug catalogue. Everything is assembled in a temporary place and checked
before it is moved to its destination, so a failed check writes nothing.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

from gradkit import layout
from gradkit.checker.course import Course, of_source
from gradkit.errors import UserError
from gradkit.release import leakcheck
from gradkit.release.stubs import expected_stubs
from gradkit.release.wheel import build_wheel, check_wheel

SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")

STUDENT_README = """\
# CNN layers from scratch in NumPy

You write parts of a convolutional network in NumPy: {titles}. The grader checks them with finite
differences and tells you which gradient is wrong, where, and why.

## Start

```
python -m pip install {wheel}     # Python 3.11+; installs the `gradkit` command
gradkit init my-cnn                # your exercise files, a README and a pytest.ini
cd my-cnn
{check:<35}# one exercise, with a full diagnosis of any failure
pytest                             # (or gradkit grade) all of them, and your score out of {total:g}
```

Each exercise file starts with a lesson: the maths, the shapes, what to cache, the traps. Your instructor
grades the same files with the same tests and points, and may add checks of their own.
"""


def secrets(root: Path | None = None) -> dict[str, str]:
    """The lines no release may contain: solution regions and instructor-only tests (of the source at `root`)."""
    root = root or layout.require_source("the leak check")
    public = sorted((root / "tests" / "graded").glob("*.py")) + sorted((root / "checker").rglob("*.py"))
    hidden = sorted((root / "tests" / "hidden").glob("*.py")) if (root / "tests" / "hidden").is_dir() else []
    return leakcheck.secret_lines(sorted((root / "solutions").glob("*.py")), hidden, public)


def build_student_release(out: Path, root: Path | None = None, *, force: bool = False,
                          course: Course | None = None) -> Path:
    """Build and check the wheel for `course` (the source's own when None), write it and the README to `out`;
    raise LeakError/UserError and write nothing on failure."""
    from gradkit.checker.specs import EXERCISES
    from gradkit.checker.points import public_points

    root = root or layout.require_source("gradkit release")
    course = course or of_source(root)
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not force:
        raise UserError(f"{out} exists and is not empty (use --force to replace it)")
    expected_stubs(root / "solutions")  # every marker problem is reported (file:line) before building
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".gradkit-release-", dir=out.parent))
    try:
        release = staging / "student"
        wheel = build_wheel(root, release, course)
        check_wheel(wheel, secrets(root))
        titles = ", ".join(EXERCISES[name].title for name in course.exercises)
        total = math.fsum(public_points(name, course) for name in course.exercises)
        check = f"gradkit check {course.exercises[0]}"
        (release / "README.md").write_text(STUDENT_README.format(wheel=wheel.name, titles=titles, total=total,
                                                                 check=check))
        if out.exists():
            shutil.rmtree(out)
        release.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
