"""The points of each graded test, read from the test files: `@pytest.mark.points(n)` is the one place
a point value is written, and every surface (pytest, `gradkit grade`, READMEs, nbgrader, `grade-all`)
reads it from there. Read by parsing, never by importing, so no test module runs to count points.
"""

from __future__ import annotations

import ast
from pathlib import Path

from gradkit import layout


def declared(path: Path) -> dict[str, float]:
    """{test function name: points} of the `points`-marked tests in one test file."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    found = {}
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "points" and decorator.args:
                found[node.name] = float(ast.literal_eval(decorator.args[0]))
    return found


def public_points(exercise: str) -> float:
    """Total points of `exercise`'s public graded tests."""
    return sum(declared(layout.graded_tests_dir() / f"test_{exercise}.py").values())


def hidden_points(exercise: str) -> float:
    """Total points of `exercise`'s instructor-only tests (0 where they are not present)."""
    folder = layout.hidden_tests_dir()
    path = folder / f"test_{exercise}_hidden.py" if folder is not None else None
    return sum(declared(path).values()) if path is not None and path.is_file() else 0.0
