"""Refuse a release that contains any line of a solution (or of a hidden test).

A *secret line* is a non-blank line inside a ``### BEGIN SOLUTION`` region (the ``# hint:`` line
excepted: it is shown in the stub), or a line of an instructor-only test file. Lines that the
public material already shows are not secret: a solution line that also appears outside every
region of the solution files (``KH, KW = self.kernel_size`` in a provided ``__repr__``), a hidden-test
line that the public tests or the checker also hold, and lines with fewer than two names or numbers
(``return out``, ``)``).
Lines are compared with surrounding whitespace stripped, in every text file of the release,
notebooks cell by cell.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from gradkit.errors import UserError
from gradkit.release.markers import find_regions, solution_lines

TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".cfg", ".ini", ".json", ".ipynb", ".html", ".csv", ".yml", ".yaml",
                 ".rst", ""}


class Leak(NamedTuple):
    """A secret line found in a released file."""

    released: str  # the released file (relative to the release folder) and line, "path:line"
    origin: str  # where the secret comes from, "solutions/conv.py:171"
    text: str  # the line, stripped


class LeakError(UserError):
    """The release would leak solution or hidden-test lines; the message lists where."""


def _meaningful(text: str) -> bool:
    """A line that says something specific: two or more names or numbers besides keywords.

    ``return out`` or ``else:`` appear in any Python file; they cannot leak a solution.
    """
    words = [w for w in re.findall(r"[A-Za-z_][A-Za-z_0-9]*|\d+", text) if not keyword.iskeyword(w)]
    return len(words) >= 2


def _public_lines_of_solution(source: str, path: str) -> set[str]:
    """The stripped lines of a solution file outside every region (what its stub shows anyway)."""
    lines = source.splitlines()
    inside: set[int] = set()
    for region in find_regions(source, path):
        inside.update(range(region.begin, region.end + 1))
    return {line.strip() for i, line in enumerate(lines, start=1) if i not in inside}


def secret_lines(solution_files: Iterable[Path], hidden_files: Iterable[Path] = (),
                 public_files: Iterable[Path] = ()) -> dict[str, str]:
    """{stripped secret line: its first origin "path:line"}.

    A solution line is public only if the stubs show it (it also appears outside every region). A
    hidden-test line is public also if `public_files` (the public tests, the checker) hold it, since
    hidden tests call the same checks. Public files never make a *solution* line public: a solution
    line copied into the checker is exactly the leak to catch.
    """
    solution_files, hidden_files = list(solution_files), list(hidden_files)
    shown_by_stubs: set[str] = set()
    for path in solution_files:
        shown_by_stubs |= _public_lines_of_solution(path.read_text(encoding="utf-8"), _label(path))
    public = set(shown_by_stubs)
    for path in public_files:
        public.update(line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    secrets: dict[str, str] = {}
    for path in solution_files:
        for line in solution_lines(path.read_text(encoding="utf-8"), _label(path)):
            text = line.text.strip()
            if _meaningful(text) and text not in shown_by_stubs:
                secrets.setdefault(text, f"{line.path}:{line.lineno}")
    for path in hidden_files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            text = line.strip()
            if _meaningful(text) and text not in public and not text.startswith("#"):
                secrets.setdefault(text, f"{_label(path)}:{number}")
    return secrets


def _label(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def released_lines(path: Path) -> Iterable[tuple[str, str]]:
    """("line label", stripped text) for every line of a released text file; notebooks per cell."""
    if path.suffix == ".ipynb":
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            notebook = {}
        for c, cell in enumerate(notebook.get("cells", []), start=1):
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            for number, line in enumerate(text.splitlines(), start=1):
                yield f"cell {c} line {number}", line.strip()
            for output in cell.get("outputs", []):
                for number, line in enumerate("".join(output.get("text", "")).splitlines(), start=1):
                    yield f"cell {c} output line {number}", line.strip()
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return
    for number, line in enumerate(text.splitlines(), start=1):
        yield f"line {number}", line.strip()


def find_leaks(release: Path, secrets: dict[str, str]) -> list[Leak]:
    """Every secret line in every text file below `release`."""
    leaks = []
    for path in sorted(p for p in release.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES):
        for where, text in released_lines(path):
            if text in secrets:
                leaks.append(Leak(f"{path.relative_to(release)} {where}", secrets[text], text))
    return leaks


def check_release(release: Path, secrets: dict[str, str]) -> None:
    """Raise LeakError naming the first leaks (at most 10) if the release holds any secret line."""
    leaks = find_leaks(release, secrets)
    if leaks:
        shown = "\n".join(f"  {leak.released}: {leak.text!r} (from {leak.origin})" for leak in leaks[:10])
        more = f"\n  ... and {len(leaks) - 10} more" if len(leaks) > 10 else ""
        raise LeakError(f"the release would leak {len(leaks)} secret line(s); nothing was written:\n{shown}{more}")
