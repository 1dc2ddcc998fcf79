"""Find the ``### BEGIN SOLUTION`` / ``### END SOLUTION`` regions of a solution file.

A region is the fenced part of a method body (or any block) that students write::

    def backward(self, dout):
        \"\"\"The docstring stays in the stub.\"\"\"
        ### BEGIN SOLUTION
        # hint: write Conv2D.backward: db is a sum, ...
        ...
        ### END SOLUTION

Each marker sits alone on its line, indented like the code it encloses; the END marker has the BEGIN
marker's indentation. The first line inside may be a ``# hint: <text>`` comment, which becomes the stub's
message. Anything else that looks like a marker (another number of ``#``, lower case, trailing text,
nesting, a missing partner) raises :class:`MarkerError` naming the file and line.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from gradkit.errors import UserError

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
HINT_PREFIX = "# hint:"

# Anything a human might have meant as a marker: "## BEGIN SOLUTION", "### end solution", "x = 1  ### END SOLUTION".
_MARKER_LIKE = re.compile(r"#+\s*(BEGIN|END)\s+SOLUTION", re.IGNORECASE)


class MarkerError(UserError):
    """A solution file whose markers are unbalanced, nested or malformed; the message starts with ``path:line:``."""


class Region(NamedTuple):
    """One fenced region; line numbers are 1-based, as editors show them."""

    path: str
    begin: int  # line of ``### BEGIN SOLUTION``
    end: int  # line of ``### END SOLUTION``
    indent: str  # the leading whitespace of both markers
    hint: str | None  # the text after ``# hint:`` on the first line inside, if there is one


class SolutionLine(NamedTuple):
    """A line of solution code (inside a region), for leak checks."""

    path: str
    lineno: int
    text: str  # the line without its newline, indentation included


def _error(path: str, lineno: int, message: str) -> MarkerError:
    return MarkerError(f"{path}:{lineno}: {message}")


def find_regions(source: str, path: str) -> list[Region]:
    """Return the solution regions of ``source`` in file order.

    ``path`` is used only in error messages. Raises :class:`MarkerError` for an END without a BEGIN, a BEGIN
    inside a region, a BEGIN never closed, END indented differently from its BEGIN, a line inside a region
    indented less than its markers, an empty ``# hint:``, or a line that looks like a marker but is not
    exactly one.
    """
    regions: list[Region] = []
    open_line = 0  # line number of the open BEGIN, 0 if none
    open_indent = ""
    hint: str | None = None
    lines = source.splitlines()
    for lineno, line in enumerate(lines, start=1):
        stripped = line.strip()
        indent = line[: len(line) - len(line.lstrip())]
        if stripped == BEGIN:
            if open_line:
                raise _error(
                    path, lineno, f"{BEGIN} inside the region opened at line {open_line} (regions cannot nest)"
                )
            open_line, open_indent, hint = lineno, indent, None
            if lineno < len(lines) and lines[lineno].strip().startswith(HINT_PREFIX):
                hint = lines[lineno].strip()[len(HINT_PREFIX):].strip()
                if not hint:
                    raise _error(path, lineno + 1, f"empty hint: write '{HINT_PREFIX} <one line for the stub>'")
        elif stripped == END:
            if not open_line:
                raise _error(path, lineno, f"{END} without a matching {BEGIN}")
            if indent != open_indent:
                raise _error(
                    path, lineno, f"{END} is indented differently from its {BEGIN} at line {open_line}"
                )
            regions.append(Region(path, open_line, lineno, open_indent, hint))
            open_line = 0
        elif _MARKER_LIKE.search(line):
            raise _error(
                path, lineno, f"malformed marker {stripped!r}: write exactly '{BEGIN}' or '{END}' on a line of its own"
            )
        elif open_line and stripped and not line.startswith(open_indent):
            raise _error(
                path,
                lineno,
                f"this line is indented less than the {BEGIN} at line {open_line}; "
                "a region must sit inside one block (close it before this line)",
            )
    if open_line:
        raise _error(path, open_line, f"{BEGIN} without a matching {END}")
    return regions


def solution_lines(source: str, path: str) -> list[SolutionLine]:
    """Return every non-blank line strictly inside a region, except the ``# hint:`` lines.

    These are the lines a released stub must not contain (the hint line is meant to be shown).
    """
    lines = source.splitlines()
    found = []
    for region in find_regions(source, path):
        first = region.begin + (2 if region.hint is not None else 1)  # 1-based line after BEGIN (and hint)
        for lineno in range(first, region.end):
            text = lines[lineno - 1]
            if text.strip():
                found.append(SolutionLine(path, lineno, text))
    return found
