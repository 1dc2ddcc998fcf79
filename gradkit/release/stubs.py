"""Turn solution files into student stubs: every fenced region becomes one ``raise NotImplementedError``.

``make_stub`` works on one file's text; ``write_stubs`` and ``check_stubs`` apply it to every ``*.py`` file of
``solutions/`` and write or compare ``exercises/`` (``gradkit make-stubs`` and ``gradkit make-stubs --check``).
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path
from typing import NamedTuple

from gradkit.errors import UserError
from gradkit.release.markers import MarkerError, Region, find_regions

HEADER = (
    "# Generated from {source} by `gradkit make-stubs` (stub {digest}). Students: write your code in this file.\n"
    "# Maintainers: edit {source} instead and regenerate; `gradkit make-stubs --check` finds drift.\n"
)
# The stamp in the header: the digest of the text below the header, so a generated stub that nobody edited
# is recognised after solutions/ changed (and may be regenerated), and an edited one is someone's work.
_STAMP = re.compile(r"\(stub ([0-9a-f]{16})\)")


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def is_unedited_stub(text: str) -> bool:
    """True for a stub exactly as ``make_stub`` generated it (from any version of solutions/) below its header."""
    lines = text.splitlines(keepends=True)
    stamp = _STAMP.search(lines[0]) if lines else None
    return stamp is not None and len(lines) >= 2 and _digest("".join(lines[2:])) == stamp.group(1)


def _string_literal(text: str) -> str:
    """A double-quoted Python literal for text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Scope(NamedTuple):
    first: int  # line of the def or class statement
    last: int
    name: str  # qualified, e.g. "Conv2D.backward"
    is_function: bool


def _scopes(tree: ast.Module) -> list[_Scope]:
    """Every def and class in tree, outer ones first."""
    scopes = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                is_function = not isinstance(child, ast.ClassDef)
                scopes.append(_Scope(child.lineno, child.end_lineno or child.lineno, name, is_function))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return scopes


def _replacement(region: Region, scopes: list[_Scope]) -> str:
    """The stub line for one region: a raise inside a function, a comment elsewhere (so the module imports)."""
    enclosing = [scope for scope in scopes if scope.first < region.begin <= scope.last]
    innermost = max(enclosing, key=lambda scope: scope.first, default=None)
    if innermost is not None and innermost.is_function:
        hint = region.hint or f"write {innermost.name}"
        return f"{region.indent}raise NotImplementedError({_string_literal(hint)})\n"
    # Outside functions (module or class level) a raise would run at import: leave a comment naming what to write.
    inside = [scope for scope in scopes if region.begin < scope.first < region.end]
    outermost = [s for s in inside if not any(o.first < s.first <= o.last for o in inside)]
    defined = [scope.name.rsplit(".", 1)[-1] for scope in outermost]
    hint = region.hint or ("write " + ", ".join(defined) if defined else "write the code removed here")
    return f"{region.indent}# TODO: {hint}\n"


def make_stub(source: str, path: str) -> str:
    """Return the student version of a solution file's text.

    Each region from ``### BEGIN SOLUTION`` to ``### END SOLUTION`` (markers included) becomes one line at the
    region's indentation: ``raise NotImplementedError("<hint>")`` inside a function, where the hint is the
    region's ``# hint:`` text or ``write <Class.method>``; a ``# TODO: <hint>`` comment outside functions. A
    two-line header naming ``path`` is added on top. A file without regions comes back unchanged.

    ``path`` (e.g. ``solutions/conv.py``) appears in the header and in errors. Raises
    :class:`~gradkit.release.markers.MarkerError` for bad markers, a solution that is not valid Python, or a
    stub that would not be.
    """
    regions = find_regions(source, path)
    if not regions:
        return source
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as error:
        raise MarkerError(f"{path}:{error.lineno}: not valid Python ({error.msg})") from None
    scopes = _scopes(tree)

    lines = source.splitlines(keepends=True)
    pieces = []
    previous_end = 0  # 1-based line of the last END written
    for region in regions:
        pieces.extend(lines[previous_end : region.begin - 1])
        pieces.append(_replacement(region, scopes))
        previous_end = region.end
    pieces.extend(lines[previous_end:])
    body = "".join(pieces)
    stub = HEADER.format(source=path, digest=_digest(body)) + body

    try:
        compile(stub, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        raise MarkerError(
            f"{path}: the generated stub is not valid Python (stub line {error.lineno}: {error.msg}); "
            "does a region cover only part of a block?"
        ) from None
    return stub


def expected_stubs(solutions_dir: Path | str) -> dict[str, str]:
    """Map the name of every ``*.py`` file in solutions_dir to the text its stub should have."""
    solutions_dir = Path(solutions_dir)
    files = sorted(solutions_dir.glob("*.py"))
    if not files:
        raise UserError(f"no .py files in {solutions_dir}")
    return {
        file.name: make_stub(file.read_text(encoding="utf-8"), f"{solutions_dir.name}/{file.name}") for file in files
    }


def edited_files(stubs: dict[str, str], exercises_dir: Path) -> list[Path]:
    """Files of exercises_dir that differ from their new stub and are no unedited generated stub: someone's work."""
    edited = []
    for name, text in stubs.items():
        target = exercises_dir / name
        if target.exists():
            current = target.read_text(encoding="utf-8")
            if current != text and not is_unedited_stub(current):
                edited.append(target)
    return edited


def write_stubs(solutions_dir: Path | str, exercises_dir: Path | str, *, force: bool = False) -> list[Path]:
    """Write the stub of every solution file into exercises_dir; return the files that changed.

    Every stub is computed before anything is written, so a marker error leaves exercises_dir untouched. A
    file someone edited (it differs from its new stub and is not a generated stub either) is only replaced
    with ``force``; otherwise ``UserError`` names them and nothing is written.
    """
    stubs = expected_stubs(solutions_dir)
    exercises_dir = Path(exercises_dir)
    edited = [] if force else edited_files(stubs, exercises_dir)
    if edited:
        names = ", ".join(f"{exercises_dir.name}/{path.name}" for path in edited)
        raise UserError(f"not overwriting {names}: edited since generated (someone's work?); "
                        "add --force to replace them by fresh stubs")
    exercises_dir.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in stubs.items():
        target = exercises_dir / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8", newline="\n")
            changed.append(target)
    return changed


def check_stubs(solutions_dir: Path | str, exercises_dir: Path | str) -> list[Path]:
    """Return the files of exercises_dir that are missing or differ from what ``write_stubs`` would write."""
    exercises_dir = Path(exercises_dir)
    drifted = []
    for name, text in expected_stubs(solutions_dir).items():
        target = exercises_dir / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            drifted.append(target)
    return drifted
