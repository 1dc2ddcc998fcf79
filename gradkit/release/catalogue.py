"""Reading the kit's catalogue of buggy implementations (`tests/bugs/`) and valid variants (`tests/variants/`).

A catalogue file is `<exercise>_<mistake>.py`: a docstring whose first paragraph is the explanation a
student sees, `EXPECT = dict(exercise=..., tensor=..., hint=...)` (`EXPECT = None` for a valid
variant), and the contract's class overriding methods of a base it imports as
`from solutions.<exercise> import <Class> as Reference` (the reference) or
`from tests.variants.<name> import <Class> as Reference` (a variant; the conv bugs build on the
whole-batch im2col variant, whose `self.cols` they read). Files are read by parsing, never imported
here, so a broken file fails only its own test; `materialise` turns one into a self-contained module.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from gradkit.checker.course import Course, active, with_exercises
from gradkit.checker.specs import EXERCISES

ROOT = Path(__file__).resolve().parents[2]
BUGS_DIR = ROOT / "tests" / "bugs"
VARIANTS_DIR = ROOT / "tests" / "variants"
SOLUTIONS_DIR = ROOT / "solutions"


def bug_files() -> list[Path]:
    return sorted(p for p in BUGS_DIR.glob("*.py") if not p.name.startswith("_"))


def variant_files() -> list[Path]:
    return sorted(p for p in VARIANTS_DIR.glob("*.py") if not p.name.startswith("_"))


def exercise_of(path: Path) -> str | None:
    """The exercise a catalogue file belongs to, from its name `<exercise>_<mistake>.py` (longest match)."""
    matches = [name for name in EXERCISES if path.stem.startswith(name + "_")]
    return max(matches, key=len) if matches else None


def read_expect(path: Path) -> tuple[bool, object]:
    """(found, value) of the module-level `EXPECT = dict(...)` / `{...}` / `None` assignment."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "EXPECT" for t in node.targets):
            value = node.value
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
                if value.args or any(k.arg is None for k in value.keywords):
                    raise ValueError(f"{path.name}: EXPECT = dict(...) takes keyword arguments only")
                return True, {k.arg: ast.literal_eval(k.value) for k in value.keywords}
            return True, ast.literal_eval(value)
    return False, None


def explanation(path: Path) -> str:
    """The first paragraph of the file's docstring, on one line: what a student is told on a match."""
    doc = (ast.get_docstring(ast.parse(path.read_text())) or "").strip()
    return " ".join(doc.split("\n\n")[0].split())


# `from solutions.conv import Conv2D as Reference`, `from tests.variants.<name> import Conv2D as Reference`
_BASE_IMPORT = re.compile(r"^from ((?:solutions|tests\.variants)\.\w+) import (\w+) as (\w+)[ \t]*$", re.MULTILINE)


def materialise(path: Path) -> str:
    """`path`'s source as one self-contained module: each import of a base class is replaced by the base
    file's own (materialised) source and an alias, `Reference = Conv2D`.

    A submission must stand alone: graded in a folder, in nbgrader or in the sandbox, it cannot import
    `solutions` or `tests`.
    """

    def inline(match: re.Match) -> str:
        base = ROOT.joinpath(*match.group(1).split(".")).with_suffix(".py")
        return f"{materialise(base).rstrip()}\n\n\n{match.group(3)} = {match.group(2)}\n"

    return _BASE_IMPORT.sub(inline, path.read_text())


def submission_with(replacement: Path, exercise: str, folder: Path) -> Path:
    """Fill `folder` with the reference files of every exercise (so it serves any course), `<exercise>.py`
    replaced by the materialised `replacement`."""
    folder.mkdir(parents=True, exist_ok=True)
    for e in EXERCISES.values():
        shutil.copyfile(SOLUTIONS_DIR / e.file, folder / e.file)
    (folder / EXERCISES[exercise].file).write_text(materialise(replacement))
    return folder


def course_including(exercises: Sequence[str]) -> Course | None:
    """None (gradkit's own course) when it has all of `exercises`; else that course widened by the others, so an
    extra (in `EXERCISES`, not in the course) is graded too, at its tests' points."""
    own = active()
    missing = [e for e in exercises if e not in own.exercises]
    return with_exercises(own, [*own.exercises, *missing]) if missing else None
