"""The grader's layout: each exercise is described by one spec (`checker/specs/<name>.py`), a generic engine grades
every spec, and the import graph of `gradkit.checker` has no cycle.

Read from the source (the AST), never by importing: the graph includes imports inside functions, which is where
cycles used to hide.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gradkit.checker.specs import EXERCISES, spec

CHECKER = Path(__file__).resolve().parents[2] / "checker"
SPECS = CHECKER / "specs"
# What a spec may not import: the engine's checks, which read the specs (a spec uses the leaves below them).
ENGINE = {"gradcheck", "diagnose", "fixtures", "plots", "fingerprints", "plugin", "runner", "scoring", "setups",
          "layer_checks", "instances"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(CHECKER).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["gradkit", "checker", *parts])


MODULES = {module_name(p): p for p in sorted(CHECKER.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """The gradkit.checker modules `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gradkit.checker"):
            found |= {node.module} & MODULES.keys()
            found |= {f"{node.module}.{alias.name}" for alias in node.names} & MODULES.keys()
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names} & MODULES.keys()
    return found - {module_name(path)}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_the_checker_has_no_import_cycle():
    graph = {name: imports(path) for name, path in MODULES.items()}
    assert cycles(graph) == []
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]  # the finder finds one


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_spec_imports_only_the_engines_leaves(name):
    engine = {f"gradkit.checker.{m}" for m in ENGINE}
    assert not imports(SPECS / f"{name}.py") & engine


def _names_in_code(path: Path) -> set[str]:
    """Identifiers, attribute names, string constants, and the class-like words of string constants in `path`
    ("Conv2D.forward", not the prose word "linear"), docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.asname or node.name.rsplit(".", 1)[-1])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found.add(node.value)
            words = (word.strip("`'\"().,:;[]") for word in node.value.replace(".", " ").split())
            found |= {word for word in words if word[:1].isupper()}
    return found


def exercise_words() -> set[str]:
    words = set()
    for exercise in EXERCISES.values():
        words |= {exercise.name, exercise.cls, spec(exercise.name).Case.__name__}
        words |= {name for name in vars(spec(exercise.name)) if name.endswith("_cases")}  # conv_cases, ...
    return words


@pytest.mark.parametrize("path", sorted(p for p in CHECKER.glob("*.py")), ids=lambda p: p.name)
def test_no_engine_module_names_an_exercise(path):
    """Everything exercise-specific is in checker/specs/: the engine reads the specs, never names one."""
    named = _names_in_code(path) & exercise_words()
    assert not named, f"{path.name} names {sorted(named)}: move that to the exercise's spec"


def test_the_word_check_sees_a_name():
    assert {"Conv2D", "conv", "ReluCase"} <= exercise_words()


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_spec_has_a_case_and_a_strategy(name):
    module = spec(name)
    assert module.Case.exercise == name
    assert callable(module.cases)
