"""Find a course's exercise files in what a student uploaded, wherever and however they were named.

Upload forms and zip files move files about: `conv.py` may arrive as `my-cnn/conv.py`, `Conv.py`, `conv (1).py`
(a browser's second download) or `conv.py.txt`, next to a `__MACOSX/._conv.py` shadow copy. `find_exercise_files`
looks through the upload (never through a link, at most a few folders deep) and picks one regular file per
exercise; `stage` copies the picked files, as bytes, under their proper names into a fresh folder, which is then
graded like any other submission (read the one way every grader reads a file: `checker.impl.read_source`, so a
byte-order mark is fine). Nothing here imports or runs the files.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from gradkit.checker.impl import MAX_SOURCE_BYTES

MAX_DEPTH = 4  # folders below the upload's root that are searched
MAX_ENTRIES = 10_000  # entries looked at in all: an upload of a whole home folder ends the search, not the grader
SKIPPED_FOLDERS = {"__MACOSX", "__pycache__", "node_modules", "site-packages"}
# "conv (1).py", "conv copy.py", "conv - Copy.py", "conv.py.txt": the name left once these are taken away.
_COPY_MARK = re.compile(r"(\s*\(\d+\)|\s*-?\s*copy(\s*\d+)?)$", re.IGNORECASE)
_EXTRA_SUFFIX = re.compile(r"\.py\.(txt|py)$", re.IGNORECASE)


class Found(NamedTuple):
    """The file picked for one exercise file name."""

    path: Path  # where it is in the upload
    shown: str  # that path relative to the upload, for messages
    exact: bool  # named exactly as the exercise file


def plain_name(name: str) -> str | None:
    """The exercise file name `name` stands for ("conv.py" for "Conv (1).py"), or None if it is no Python file."""
    name = _EXTRA_SUFFIX.sub(".py", name.strip())
    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix.lower() != "py" or not stem:
        return None
    return _COPY_MARK.sub("", stem).strip().lower() + ".py"


def _regular_files(root: Path) -> Iterable[tuple[Path, int]]:
    """(path, depth) of the regular files below `root`, breadth first, never through a link or into a hidden or
    skipped folder, at most MAX_DEPTH folders deep and MAX_ENTRIES entries in all."""
    seen = 0
    level = [root]
    for depth in range(MAX_DEPTH + 1):
        below = []
        for folder in level:
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                seen += 1
                if seen > MAX_ENTRIES:
                    return
                if entry.name.startswith("."):  # ".git", macOS's "._conv.py" resource forks
                    continue
                try:
                    mode = entry.stat(follow_symlinks=False).st_mode
                except OSError:
                    continue
                if stat.S_ISREG(mode):
                    yield Path(entry.path), depth
                elif stat.S_ISDIR(mode) and entry.name not in SKIPPED_FOLDERS:
                    below.append(Path(entry.path))
        level = below


def find_exercise_files(upload: Path, files: Iterable[str]) -> dict[str, Found]:
    """{exercise file name: the file picked for it} for each of `files` ("conv.py", ...) found in `upload`.

    Among several candidates: a file named exactly as the exercise file before a renamed one, then one in the
    folder holding the most of the course's files (the student's working folder, not a stray copy), then the
    shallowest, then the first by name.
    """
    wanted = {name.lower(): name for name in files}
    candidates: dict[str, list[tuple[Path, int, bool]]] = {}
    for path, depth in _regular_files(Path(upload)):
        plain = plain_name(path.name)
        if plain in wanted:
            candidates.setdefault(wanted[plain], []).append((path, depth, path.name == wanted[plain]))
    per_folder: dict[Path, int] = {}
    for found in candidates.values():
        for folder in {path.parent for path, _, _ in found}:
            per_folder[folder] = per_folder.get(folder, 0) + 1
    picked = {}
    for name, found in candidates.items():
        path, _, exact = min(found, key=lambda c: (not c[2], -per_folder[c[0].parent], c[1], str(c[0])))
        picked[name] = Found(path, path.relative_to(upload).as_posix(), exact)
    return picked


def stage(found: dict[str, Found], folder: Path) -> None:
    """Copy each picked file's bytes to `folder/<exercise file name>` (at most one byte past the size every grader
    refuses, so an oversized file is still refused with its own message, never read whole)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, picked in found.items():
        try:
            fd = os.open(picked.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue  # vanished or unreadable since it was found: graded as missing
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            data = b""
            while len(data) <= MAX_SOURCE_BYTES:
                chunk = os.read(fd, MAX_SOURCE_BYTES + 1 - len(data))
                if not chunk:
                    break
                data += chunk
        finally:
            os.close(fd)
        (folder / name).write_bytes(data)
