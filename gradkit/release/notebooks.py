"""One nbgrader source notebook per exercise, generated from its solution file.

Cells (all carry ``metadata.nbgrader``, schema 3):

1. a read-only markdown cell: title, points, how to work;
2. a read-only markdown cell: the exercise text (the solution module's docstring);
3. the answer cell (``solution: true``): ``%%writefile conv.py`` and the whole solution file, its
   ``### BEGIN/END SOLUTION`` fences included, which ``nbgrader generate_assignment`` replaces by
   its stub. A region's ``# hint:`` line is moved just above the fence so the student keeps it.
   Running the cell writes the exercise file that the graded cell grades, so the notebook is the
   one place the student edits, and the kernel never imports student code;
4. the graded cell (``grade: true``, locked, the exercise's points): ``hidden = True`` inside a
   ``### BEGIN/END HIDDEN TESTS`` block, then one call returning a float.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from gradkit.checker.specs import Exercise
from gradkit.errors import UserError
from gradkit.release.markers import find_regions

SCHEMA_VERSION = 3


def _nbformat() -> Any:
    """nbformat, imported when a notebook is made (the rest of gradkit does not need it)."""
    try:
        import nbformat
    except ImportError:
        raise UserError("making the nbgrader notebooks needs nbformat: pip install nbformat (or nbgrader)") from None
    return nbformat


def _nbgrader(cell, grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
              points: float | None = None):
    metadata = {"grade_id": grade_id, "grade": grade, "solution": solution, "locked": locked,
                "schema_version": SCHEMA_VERSION}
    if grade:
        metadata["points"] = points
    cell.metadata["nbgrader"] = metadata
    return cell


def hints_above_fences(source: str, path: str) -> str:
    """The solution text with each region's ``# hint:`` line moved just above its BEGIN fence.

    nbgrader replaces everything between the fences with its own stub, so a hint inside would be lost.
    """
    lines = source.splitlines(keepends=True)
    for region in reversed(find_regions(source, path)):
        if region.hint is None:
            continue
        begin, hint = region.begin - 1, region.begin  # 0-based indices of the fence and the hint line
        lines[begin], lines[hint] = lines[hint], lines[begin]
    return "".join(lines)


def exercise_text(source: str) -> str:
    """The module docstring of a solution file, as the exercise's prose."""
    docstring = ast.get_docstring(ast.parse(source)) or ""
    return docstring


def answer_cell_source(source: str, path: str, file_name: str) -> str:
    return f"%%writefile {file_name}\n" + hints_above_fences(source, path).rstrip("\n") + "\n"


def _exact(points: float) -> str:
    """`points` as Python source that reads back as the same float: "30", or "33.333333333333336" for a course's
    scaled total (the cell's maximum must be the metadata's, not a rounding of it)."""
    short = f"{points:g}"
    return short if float(short) == points else repr(points)


def graded_cell_source(exercise: Exercise, points: float) -> str:
    """The graded cell: one run of the checks, with the hidden tests when nbgrader restored the block.

    Only a flag lives in the hidden block, so feedback that shows the block shows no test code, and
    the checks run once (not public, then public + hidden).
    """
    return (
        "from gradkit_notebook import grade\n\n"
        "hidden = False\n"
        "### BEGIN HIDDEN TESTS\n"
        "hidden = True\n"
        "### END HIDDEN TESTS\n"
        f'points = grade("{exercise.name}", {_exact(points)}, hidden=hidden)\n'
        "points\n"
    )


def exercise_notebook(exercise: Exercise, number: int, total: int, source: str, points: float,
                      path: str) -> Any:
    """The source notebook of one exercise (instructor version, solution included)."""
    intro = (
        f"# Exercise {number}/{total}: {exercise.title} (`{exercise.cls}`, {points:g} points)\n\n"
        f"Write your code in the next cell, where it says `raise NotImplementedError()`; keep the first line "
        f"`%%writefile {exercise.file}`. **Run that cell** to save `{exercise.file}`, then run the test cell "
        f"below it: it grades the saved file and prints what is wrong. Rerun both after every change.\n\n"
        f"Only `{exercise.file}` is graded, with the same tests as `pytest tests/graded/test_{exercise.name}.py`; "
        "your instructor may add further checks. Use NumPy and the standard library only."
    )
    v4 = _nbformat().v4
    new_code_cell, new_markdown_cell = v4.new_code_cell, v4.new_markdown_cell
    cells = [
        _nbgrader(new_markdown_cell(intro), f"{exercise.name}-intro", locked=True),
        _nbgrader(new_markdown_cell("```text\n" + exercise_text(source) + "\n```"), f"{exercise.name}-text",
                  locked=True),
        _nbgrader(new_code_cell(answer_cell_source(source, path, exercise.file)), f"{exercise.name}-code",
                  solution=True),
        _nbgrader(new_code_cell(graded_cell_source(exercise, points)), f"{exercise.name}-tests", grade=True,
                  locked=True, points=points),
    ]
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def notebook_name(exercise: Exercise, number: int) -> str:
    return f"{number:02d}_{exercise.name}.ipynb"


def write_notebook(notebook: Any, path: Path) -> Path:
    nbformat = _nbformat()
    nbformat.validate(notebook)
    nbformat.write(notebook, str(path))
    return path

