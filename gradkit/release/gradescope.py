"""The Gradescope autograder: one zip, built from the source, holding nothing of a solution.

Layout of the zip (Gradescope unpacks it into /autograder/source)::

    setup.sh                       run once when Gradescope builds the image: a Python 3.11+ venv, the pinned
                                   requirements, then the gradkit wheel from this zip (offline, --no-index)
    run_autograder                 run for each submission: `python -m gradkit.batch.gradescope`, which grades
                                   /autograder/submission into /autograder/results/results.json
    requirements.txt               gradkit's dependencies at the versions installed where it was built
    gradkit-<version>-...whl       the student wheel (`release.wheel`: the CLI, the grader, the public graded
                                   tests and the course), allow-listed and leak-checked as for a release
    hidden/test_<e>_hidden.py      the course's instructor-only tests

`check_autograder` opens the zip (and the wheel inside it) and refuses any file outside that list and any line of
a solution (the leak check); a zip that fails it is never written.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from gradkit.checker.course import Course
from gradkit.errors import UserError
from gradkit.release import leakcheck
from gradkit.release.requirements import requirements_txt
from gradkit.release.stubs import expected_stubs
from gradkit.release.student import secrets
from gradkit.release.wheel import build_wheel, check_wheel

ALLOWED = [re.compile(p) for p in (
    r"setup\.sh", r"run_autograder", r"requirements\.txt", r"gradkit-[0-9.]+-py3-none-any\.whl",
    r"hidden/test_[a-z0-9_]+_hidden\.py",
)]
EXECUTABLE = {"setup.sh", "run_autograder"}

SETUP_SH = """\
#!/usr/bin/env bash
# Written by `gradkit gradescope`. Gradescope runs it once, as root, when it builds the autograder's image:
# a virtual environment with Python 3.11+, the pinned requirements, and the gradkit wheel from this zip.
# Elsewhere: GRADKIT_AUTOGRADER_ROOT (default /autograder), GRADKIT_VENV (default $ROOT/gradkit-venv; an
# existing one is reused), GRADKIT_PYTHON (the Python to make it with).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${GRADKIT_VENV:-${GRADKIT_AUTOGRADER_ROOT:-/autograder}/gradkit-venv}"

new_enough() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }

if [ ! -x "$venv/bin/python" ]; then
    python="${GRADKIT_PYTHON:-}"
    for candidate in python3.13 python3.12 python3.11 python3; do
        if [ -z "$python" ] && command -v "$candidate" >/dev/null && new_enough "$candidate"; then
            python="$candidate"
        fi
    done
    if [ -z "$python" ]; then  # Ubuntu 22.04 (Gradescope's default image) has Python 3.10
        apt-get install -y python3.11 python3.11-venv
        python=python3.11
    fi
    "$python" -m venv "$venv"
fi
new_enough "$venv/bin/python" || { echo "setup.sh: $venv has Python older than 3.11" >&2; exit 1; }
# bubblewrap gives each evaluator namespaces of its own; without it grading works, with one warning line.
command -v bwrap >/dev/null || apt-get install -y bubblewrap || echo "setup.sh: no bubblewrap; grading runs without it"
"$venv/bin/python" -m pip install -r "$here/requirements.txt"
"$venv/bin/python" -m pip install --no-index --no-deps --force-reinstall "$here"/gradkit-*.whl
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Written by `gradkit gradescope`. Gradescope runs it for every submission: grades $ROOT/submission into
# $ROOT/results/results.json (ROOT: GRADKIT_AUTOGRADER_ROOT, default /autograder). Student code runs only in the
# sandboxed evaluator, never in the process that writes results.json.
set -euo pipefail
root="${{GRADKIT_AUTOGRADER_ROOT:-/autograder}}"
venv="${{GRADKIT_VENV:-$root/gradkit-venv}}"
exec "$venv/bin/python" -P -m gradkit.batch.gradescope --root "$root" --wall-seconds {wall_seconds:g}
"""


def solution_secrets(root: Path) -> dict[str, str]:
    """The lines no autograder may hold: those of the solutions' regions (hidden tests are meant to be in it)."""
    public = sorted((root / "tests" / "graded").glob("*.py")) + sorted((root / "checker").rglob("*.py"))
    return leakcheck.secret_lines(sorted((root / "solutions").glob("*.py")), (), public)


def hidden_tests(root: Path, course: Course) -> list[Path]:
    """The instructor-only test files of the course's exercises, in its order."""
    folder = root / "tests" / "hidden"
    return [p for p in (folder / f"test_{e}_hidden.py" for e in course.exercises) if p.is_file()]


def check_autograder(archive: Path, root: Path) -> None:
    """Raise LeakError if the zip holds a file outside `ALLOWED`, a wheel that fails the release's checks, or any
    line of a solution in any file (the wheel's included)."""
    with zipfile.ZipFile(archive) as opened:
        names = [n for n in opened.namelist() if not n.endswith("/")]
    extra = [n for n in names if not any(p.fullmatch(n) for p in ALLOWED)]
    if extra:
        raise leakcheck.LeakError(f"{archive.name} holds files an autograder must not: {', '.join(extra[:5])}")
    with tempfile.TemporaryDirectory(prefix="gradkit-autograder-check-") as tmp:
        unpacked = Path(tmp) / "autograder"
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(unpacked)
        for wheel in unpacked.glob("*.whl"):
            check_wheel(wheel, secrets(root))
            with zipfile.ZipFile(wheel) as opened:
                opened.extractall(Path(tmp) / "wheel" / wheel.stem)
        leakcheck.check_release(Path(tmp), solution_secrets(root))


def _write_zip(folder: Path, archive: Path) -> None:
    """Zip `folder`'s files at the archive's root (Gradescope looks for setup.sh there), scripts executable."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as opened:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder).as_posix()
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # the same zip from the same files
            info.external_attr = (0o100755 if name in EXECUTABLE else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            opened.writestr(info, path.read_bytes())


def build_autograder(out: Path, root: Path, course: Course, *, force: bool = False,
                     wall_seconds: float = 480.0) -> Path:
    """Build, check and write the Gradescope autograder zip for `course` to `out`; write nothing on failure."""
    out = Path(out)
    if out.suffix != ".zip":
        raise UserError(f"--out {out}: name a .zip file, e.g. --out autograder.zip")
    if out.exists() and not force:
        raise UserError(f"{out} exists (use --force to replace it)")
    if not out.parent.is_dir():
        raise UserError(f"--out {out}: the folder {out.parent} does not exist")
    expected_stubs(root / "solutions")  # every marker problem is reported (file:line) before building
    with tempfile.TemporaryDirectory(prefix="gradkit-gradescope-") as tmp:
        staging = Path(tmp) / "autograder"
        build_wheel(root, staging, course)
        (staging / "requirements.txt").write_text(requirements_txt(root), encoding="utf-8")
        (staging / "hidden").mkdir()
        for path in hidden_tests(root, course):
            shutil.copyfile(path, staging / "hidden" / path.name)
        (staging / "setup.sh").write_text(SETUP_SH, encoding="utf-8")
        (staging / "run_autograder").write_text(RUN_AUTOGRADER.format(wall_seconds=wall_seconds), encoding="utf-8")
        archive = Path(tmp) / out.name
        _write_zip(staging, archive)
        check_autograder(archive, root)
        shutil.move(archive, out)
    return out
