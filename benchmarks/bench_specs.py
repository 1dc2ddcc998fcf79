"""What the exercise specs changed, measured against a commit from before them, in one run.

    python benchmarks/bench_specs.py [--before 0f54586^1] [--rounds 5]

For this checkout and for the `--before` commit (checked out into a temporary git worktree) it prints:

* product files (checker/, gradkit/) whose code names each exercise (its class, or its name as a string;
  docstrings aside): the places that know it;
* import cycles among the checker's modules (static, from the AST, imports inside functions included);
* the graded suite's time against the reference: the two checkouts' `pytest --impl solutions` interleaved,
  `--rounds` times each, as the ratio of medians (absolute times drift with the machine's load).
"""

from __future__ import annotations

import argparse
import ast
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = {"conv": "Conv2D", "pool": "MaxPool2D", "relu": "ReLU", "linear": "Linear",
             "softmax_ce": "SoftmaxCrossEntropy", "sgd_momentum": "SGDMomentum"}
PRODUCT = ("checker", "gradkit")


def _names(tree: ast.AST, name: str, cls: str) -> bool:
    """Whether code (not a docstring or comment) names the exercise: its class, or its name as a string."""
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == cls or isinstance(node, ast.Attribute) and node.attr == cls:
            return True
        if isinstance(node, ast.Constant) and id(node) not in docstrings and node.value in (name, cls):
            return True
    return False


def files_naming(root: Path, name: str, cls: str) -> list[str]:
    """Product .py files whose code names the exercise (docstrings and comments aside)."""
    return [str(path.relative_to(root)) for folder in PRODUCT for path in sorted((root / folder).rglob("*.py"))
            if _names(ast.parse(path.read_text(encoding="utf-8")), name, cls)]


def import_cycles(root: Path) -> int:
    """Strongly connected groups of more than one module in the checker's import graph."""
    checker = root / "checker"
    modules = {}
    for path in checker.rglob("*.py"):
        parts = list(path.relative_to(checker).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(["checker", *parts])] = path
    graph = {}
    for name, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                base = node.module.removeprefix("gradkit.")
                edges |= {base} & modules.keys()
                edges |= {f"{base}.{alias.name}" for alias in node.names} & modules.keys()
        graph[name] = edges - {name}
    index, low, stack, on_stack, groups, counter = {}, {}, [], set(), 0, [0]

    def visit(v: str) -> None:
        nonlocal groups
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            size = 0
            while True:
                w = stack.pop()
                on_stack.discard(w)
                size += 1
                if w == v:
                    break
            groups += size > 1

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return groups


def suite_seconds(root: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "--impl", "solutions", "-q", "-p", "no:cacheprovider",
                    "-p", "no:xdist", "-p", "no:benchmark"], cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
                   capture_output=True, check=True, timeout=600)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="0f54586^1", help="a commit from before the specs")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gradkit-before-") as tmp:
        before = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            for label, root in (("before", before), ("now", ROOT)):
                counts = {name: len(files_naming(root, name, cls)) for name, cls in EXERCISES.items()}
                print(f"{label:6}  files naming each exercise: {counts}  import cycles: {import_cycles(root)}")
            times = {"before": [], "now": []}
            for _ in range(args.rounds):  # interleaved, so both see the same load
                times["before"].append(suite_seconds(before))
                times["now"].append(suite_seconds(ROOT))
            old, new = statistics.median(times["before"]), statistics.median(times["now"])
            print(f"graded suite against the reference: before {old:.2f} s, now {new:.2f} s (medians of "
                  f"{args.rounds}), now/before = {new / old:.2f}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, capture_output=True)


if __name__ == "__main__":
    main()
