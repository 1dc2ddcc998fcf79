"""The wheel students install, built from the source and proven to hold nothing an instructor keeps.

One build serves everyone: `gradkit release` puts this wheel in the student folder, and the wheel test
installs the same build into a fresh virtual environment. A plain `pip wheel .` of the source builds the same
files, except the course: the wheel carries its course (`gradkit/course.json`, `checker.course`), so an installed
gradkit grades the exercises, and for the points, it was released with (without one, the default course). Its
description is `gradkit/DESCRIPTION.md`, never the instructor's README. The file list must match `ALLOWED` (no
solutions, hidden tests, catalogue, naive implementation or self-tests can slip in through a packaging change)
and no text file may contain a secret line (`leakcheck`, the check `gradkit release` applies).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from gradkit import layout
from gradkit.checker.course import Course, of_source, to_json
from gradkit.errors import UserError
from gradkit.release import leakcheck

# Every file the wheel may hold, as a full match of its path inside the wheel.
ALLOWED = [re.compile(p) for p in (
    r"gradkit/[a-z0-9_]+\.py",
    r"gradkit/course\.json",
    r"gradkit/(batch|cli|datasets|release|train|checker)/[a-z0-9_]+\.py",
    r"gradkit/checker/specs/[a-z0-9_]+\.py",
    r"gradkit/checker/fixtures/[a-z0-9_]+\.npz",
    r"gradkit/checker/fingerprints/[a-z0-9_]+\.(json|npz)",
    r"gradkit/graded/test_[a-z0-9_]+\.py",
    r"gradkit/exercises/[a-z0-9_]+\.py",
    r"gradkit/data/(README\.md|[a-z0-9]+-sample\.npz)",
    r"gradkit-[0-9.]+\.dist-info/(METADATA|WHEEL|RECORD|entry_points\.txt|top_level\.txt|licenses/.*|LICENSE.*)",
)]
# Copied to a clean folder before building, so nothing stale (build/, a local data set) can end up inside.
NOT_SOURCE = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", ".hypothesis",
                                     ".pytest_cache", "runs", ".venv", "mnist", "cifar10", "*.gz", "*.tar.gz")


def build_wheel(root: Path, out_dir: Path, course: Course | None = None) -> Path:
    """Build the wheel of the source at `root` into `out_dir` (offline: no build isolation), carrying `course`
    (the source's own when None)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gradkit-wheel-") as tmp:
        source = Path(tmp) / "source"
        shutil.copytree(root, source, ignore=NOT_SOURCE)
        (source / "gradkit" / layout.SHIPPED_COURSE).write_text(to_json(course or of_source(root)))
        completed = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q",
             "-w", str(out_dir)], capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if completed.returncode != 0:
            last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
            raise UserError(f"building the wheel failed ({last}); it needs setuptools>=70.1: "
                            "pip install -e '.[dev]'")
    wheels = sorted(out_dir.glob("gradkit-*.whl"))
    if not wheels:
        raise UserError(f"building the wheel wrote no gradkit-*.whl into {out_dir}")
    return wheels[-1]


def unexpected_files(wheel: Path) -> list[str]:
    """Files of the wheel that `ALLOWED` does not list."""
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
    return [n for n in names if not any(p.fullmatch(n) for p in ALLOWED)]


def check_wheel(wheel: Path, secrets: dict[str, str]) -> None:
    """Raise `LeakError` if the wheel holds a file outside the allow-list or any secret line."""
    extra = unexpected_files(wheel)
    if extra:
        raise leakcheck.LeakError(f"{wheel.name} holds files students must not get: {', '.join(extra[:5])}")
    with tempfile.TemporaryDirectory(prefix="gradkit-wheel-check-") as tmp:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(tmp)
        leakcheck.check_release(Path(tmp), secrets)
