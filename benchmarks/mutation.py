"""Mutation testing of the graded suite: does it catch small changes to the reference?

Cosmic Ray (https://cosmic-ray.readthedocs.io) makes one small change ("mutant") at a time to a copy of
``solutions/`` (``+`` to ``-``, ``>`` to ``>=``, ``1`` to ``2``, a loop that runs zero times, ...) and runs that
exercise's graded test file against the mutated copy. A mutant the graded suite fails is *killed*; one it
still passes *survives*. A survivor is either *equivalent* (no observable behaviour changed under the
exercise contract, README.md) and listed with its reason in ``benchmarks/equivalent_mutants.toml``, or a gap
in the graded suite.

    pip install cosmic-ray==8.7.0                          # not a dependency of the kit
    python benchmarks/mutation.py                          # every exercise (the six and the four extras), 1 job
    python benchmarks/mutation.py --exercise relu --exercise pool --jobs 2
    python benchmarks/mutation.py --json results.json      # every mutant and its outcome

How it runs
-----------
1. The exercise files of ``solutions/`` are copied to a temporary folder, once per job (``worker0/``, ...). The
   tool only ever writes to those copies; ``solutions/`` is never touched, so tests run by others at the
   same time see the real reference.
2. For each exercise, a Cosmic Ray session (a SQLite work database) is initialised over the copy of its
   file with every core operator (binary, comparison and unary operators replaced, numbers +-1, True/False
   swapped, ``not`` added, loops run zero times, ...), plus four operators of ours (``gradkit/...``, registered
   in-process as a Cosmic Ray operator provider) for mistakes the core operators cannot make: an augmented
   assignment made plain (``x += y`` to ``x = y``: set instead of accumulate) or reversed (``+=``/``-=``,
   ``*=``/``/=``, ``|=``/``&=``), a side-effect-only statement deleted (``self.grads["b"] = ...``,
   ``np.matmul(..., out=...)``, ``routed |= ...`` become ``pass``), and ``.astype(...)`` removed (a dtype leak).
3. Cosmic Ray's line filter (``cosmic_ray.tools.filters.line_filter``, the ``cr-filter-lines`` tool) then marks
   as skipped every mutant outside the lines students write or are given as behaviour:

   * the method bodies between ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
   * the constructors' bodies, less the argument validation: statements that call one of the module's
     own helper functions (``_int_at_least``, ``_kernel_pair``, ``_generator``, ``_number``, ``_number_in``,
     ``_probability``), ``raise`` statements, and ``if`` blocks that only raise.

   Docstrings, comments, ``__repr__``, error-message strings and the helpers themselves are therefore never
   mutated (Cosmic Ray has no string operator, so no message text is mutated anywhere).
4. Each remaining mutant is applied to a worker's copy (Cosmic Ray's ``mutate_and_test``: mutate the file,
   run the test command, restore the file), with the test command

       python -m pytest tests/graded/test_<exercise>.py --impl <worker copy> -x -q -p no:cacheprovider

   and a time limit per mutant (``--timeout``, 30 s); a mutant that runs out of time counts as killed
   (Cosmic Ray's rule: an infinite loop is caught by the grader's own time limit) and is reported apart.
   The unmutated copy must pass first (a baseline), or the run stops.
5. It prints, per file and in total, the mutants, killed, survived and timed out, then every survivor that
   is not listed as equivalent (file, line, function, operator, the line before and after), and exits 1 if
   there is one. Listed equivalents that were killed are printed as a warning: either the listing is wrong or
   the graded suite rejects a valid implementation.

Exit codes: 0 every survivor is a listed equivalent; 1 unlisted survivors; 2 usage error, missing tool or
a failing baseline.

The equivalent-mutant list identifies a mutant by file, function (``Class.method``), operator, the source
line (stripped) and the mutated line (stripped): stable under edits elsewhere in the file, unlike Cosmic
Ray's occurrence numbers. ``tests/selftest/test_mutation_list.py`` checks that every listed line still
exists in ``solutions/``.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EQUIVALENTS = ROOT / "benchmarks" / "equivalent_mutants.toml"
sys.path.insert(0, str(ROOT))  # this checkout's gradkit (the registry below), not another installed one
from gradkit.checker.specs import EXERCISES as REGISTRY  # noqa: E402 - after the path is set

EXERCISES = tuple(REGISTRY)  # every exercise the kit knows: the six of the default course and the extras
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


# ---------------------------------------------------------------------------------------------------------------
# Which lines may be mutated (pure functions of the source; no Cosmic Ray needed)


def fence_lines(source: str) -> set[int]:
    """1-based line numbers strictly inside the ``### BEGIN SOLUTION`` / ``### END SOLUTION`` fences."""
    lines, inside, found = source.splitlines(), False, set()
    for lineno, line in enumerate(lines, start=1):
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside:
            found.add(lineno)
    return found


def _is_validation(stmt: ast.stmt, helpers: set[str]) -> bool:
    """A constructor statement that only validates arguments: a raise, an if that only raises, or a
    statement whose value is a call of one of the module's own helper functions (the argument checkers)."""
    if isinstance(stmt, ast.Raise):
        return True
    if isinstance(stmt, ast.If) and not stmt.orelse and all(isinstance(s, ast.Raise) for s in stmt.body):
        return True
    value = getattr(stmt, "value", None)
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in helpers


def _statement_lines(body: list[ast.stmt], helpers: set[str]) -> set[int]:
    """Lines of the statements in ``body`` (recursively) that are not argument validation."""
    found: set[int] = set()
    for stmt in body:
        if _is_validation(stmt, helpers):
            continue
        inner = [b for b in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)) if isinstance(b, list) and b]
        if inner:  # a compound statement: its header line(s), then its blocks
            found.update(range(stmt.lineno, inner[0][0].lineno))
            for block in inner:
                found |= _statement_lines(block, helpers)
        else:
            found.update(range(stmt.lineno, stmt.end_lineno + 1))
    return found


def constructor_lines(source: str) -> set[int]:
    """Lines of the classes' ``__init__`` bodies, less argument validation (see ``_is_validation``)."""
    tree = ast.parse(source)
    helpers = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    found: set[int] = set()
    for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
        for method in cls.body:
            if isinstance(method, ast.FunctionDef) and method.name == "__init__":
                body = method.body[1:] if ast.get_docstring(method) else method.body
                found |= _statement_lines(body, helpers)
    return found


def mutable_lines(source: str) -> set[int]:
    """The lines mutants may touch: the solution fences plus the constructors less argument validation."""
    return fence_lines(source) | constructor_lines(source)


def line_ranges(lines: set[int]) -> list[str]:
    """``{3, 4, 5, 9}`` -> ``["3-5", "9-9"]``, the line filter's format."""
    ranges: list[str] = []
    for line in sorted(lines):
        if ranges and int(ranges[-1].split("-")[1]) == line - 1:
            ranges[-1] = f"{ranges[-1].split('-')[0]}-{line}"
        else:
            ranges.append(f"{line}-{line}")
    return ranges


def function_names(source: str) -> dict[int, str]:
    """Line number -> ``Class.method`` (or ``function``) of the innermost definition holding it."""
    names: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                for line in range(child.lineno, child.end_lineno + 1):
                    names[line] = name
                visit(child, name + ".")

    visit(ast.parse(source), "")
    return names


# ---------------------------------------------------------------------------------------------------------------
# The equivalent-mutant list


class MutantKey(NamedTuple):
    """What identifies a mutant across runs and edits elsewhere in the file."""

    file: str  # e.g. "conv.py"
    function: str  # e.g. "Conv2D.forward"
    operator: str  # Cosmic Ray's operator name, e.g. "core/NumberReplacer"
    line: str  # the original source line, stripped
    mutated: str  # the mutated line, stripped


def load_equivalents(path: Path = EQUIVALENTS) -> dict[MutantKey, str]:
    """The listed equivalent mutants and their reasons."""
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("mutant", [])
    return {MutantKey(e["file"], e["function"], e["operator"], e["line"], e["mutated"]): e["reason"] for e in entries}


# ---------------------------------------------------------------------------------------------------------------
# Cosmic Ray: operators of ours, sessions, execution


def _gradkit_operators():
    """Cosmic Ray operators for mistakes its core operators cannot make (all named ``gradkit/...``).

    * ``ReplaceAugmentedAssignWithAssign``: ``x += y`` -> ``x = y`` (sets where it should accumulate);
    * ``ReplaceAugmentedAssignWithOpposite``: ``+=`` <-> ``-=``, ``*=`` <-> ``/=``, ``|=`` <-> ``&=``;
    * ``DeleteStatement``: a statement with only side effects becomes ``pass``: an augmented assignment, an
      assignment to an attribute or subscript (``self.grads["b"] = ...``, ``cols[p, q] = ...``, ``self.x, self.y =
      ...``), or a bare call (``np.matmul(..., out=...)``). Assignments to plain names only (``a, b = ...``) are
      left alone: deleting them is a NameError at once;
    * ``RemoveAstype``: ``expr.astype(...)`` -> ``expr`` (a dtype leak).
    """
    import parso
    from cosmic_ray.operators.operator import Example, Operator

    opposite = {"+=": "-=", "-=": "+=", "*=": "/=", "/=": "*=", "|=": "&=", "&=": "|=", "//=": "/=", "**=": "*="}

    def augmented(node) -> bool:
        return isinstance(node, parso.python.tree.Operator) and node.value in opposite and node.parent.type == "expr_stmt"

    class ReplaceAugmentedAssignWithAssign(Operator):
        """``x += y`` -> ``x = y``."""

        def mutation_positions(self, node):
            if augmented(node):
                yield node.start_pos, node.end_pos

        def mutate(self, node, index):
            node.value = "="
            return node

        @classmethod
        def examples(cls):
            return (Example("x += y", "x = y"),)

    class ReplaceAugmentedAssignWithOpposite(Operator):
        """``x += y`` -> ``x -= y``, ``*=`` <-> ``/=``, ``|=`` <-> ``&=``."""

        def mutation_positions(self, node):
            if augmented(node):
                yield node.start_pos, node.end_pos

        def mutate(self, node, index):
            node.value = opposite[node.value]
            return node

        @classmethod
        def examples(cls):
            return (Example("x += y", "x -= y"), Example("x *= y", "x /= y"))

    def is_call(node) -> bool:
        return node.type in ("atom_expr", "power") and node.children[-1].type == "trailer" \
            and node.children[-1].children[0].value == "("

    def side_effect_only(node) -> bool:
        if node.parent is None or node.parent.type != "simple_stmt":
            return False
        if node.type == "expr_stmt":
            operator = node.children[1]
            if operator.value in opposite:
                return True
            target = node.children[0]
            names = [target] if target.type == "name" else [t for t in target.children if t.type != "operator"]
            return operator.value == "=" and len(node.children) == 3 and any(t.type != "name" for t in names)
        return is_call(node)

    class DeleteStatement(Operator):
        """A side-effect-only statement -> ``pass``."""

        def mutation_positions(self, node):
            if side_effect_only(node):
                yield node.start_pos, node.end_pos

        def mutate(self, node, index):
            return parso.python.tree.Keyword("pass", node.start_pos, prefix=node.get_first_leaf().prefix)

        @classmethod
        def examples(cls):
            return (Example("x[0] = y", "pass"), Example("x += y", "pass"), Example("f(x)", "pass"))

    def astype_calls(node):
        """Indices i of ``.astype`` trailers followed by a call trailer in an atom_expr's children."""
        if node.type not in ("atom_expr", "power"):
            return []
        kids = node.children
        return [i for i in range(1, len(kids) - 1)
                if kids[i].type == "trailer" and kids[i].children[0].value == "."
                and kids[i].children[1].value == "astype"
                and kids[i + 1].type == "trailer" and kids[i + 1].children[0].value == "("]

    class RemoveAstype(Operator):
        """``expr.astype(...)`` -> ``expr``."""

        def mutation_positions(self, node):
            for i in astype_calls(node):
                yield node.children[i].start_pos, node.children[i + 1].end_pos

        def mutate(self, node, index):
            i = astype_calls(node)[index]
            node.children[i:i + 2] = []
            return node

        @classmethod
        def examples(cls):
            return (Example("y = x.astype(float)", "y = x"),)

    operators = (ReplaceAugmentedAssignWithAssign, ReplaceAugmentedAssignWithOpposite, DeleteStatement, RemoveAstype)
    return {op.__name__: op for op in operators}


class _GradkitOperators:
    """A Cosmic Ray operator provider (the ``gradkit/`` operators), registered in-process."""

    def __init__(self):
        self._operators = _gradkit_operators()

    def __iter__(self):
        return iter(self._operators)

    def __getitem__(self, name):
        return self._operators[name]


def _import_cosmic_ray():
    try:
        import cosmic_ray.plugins
    except ImportError:
        sys.exit("benchmarks/mutation.py needs Cosmic Ray: pip install cosmic-ray==8.7.0")
    cosmic_ray.plugins.OPERATOR_PROVIDERS.setdefault("gradkit", _GradkitOperators())


def test_command(exercise: str, folder: Path) -> str:
    return shlex.join([
        sys.executable, "-m", "pytest", f"tests/graded/test_{exercise}.py", "--impl", str(folder),
        "-x", "-q", "-p", "no:cacheprovider",
    ])


class Outcome(NamedTuple):
    exercise: str
    key: MutantKey
    lineno: int
    status: str  # "killed", "timeout", "survived" or "error"
    seconds: float


def _diff_lines(diff: str) -> tuple[str, str]:
    """The removed and added source lines of a Cosmic Ray diff, stripped (joined by ' / ' if several)."""
    old = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    new = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return " / ".join(old), " / ".join(new)


def run_exercise(exercise: str, workers: list[Path], session_dir: Path, timeout: float, progress) -> list[Outcome]:
    """Mutate the workers' copies of ``<exercise>.py`` one mutant at a time; return every mutant's outcome."""
    import attrs
    from cosmic_ray.commands.init import init
    from cosmic_ray.config import serialize_config
    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.testing import run_tests
    from cosmic_ray.tools.filters import line_filter
    from cosmic_ray.work_db import use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    filename = f"{exercise}.py"
    source = (SOLUTIONS / filename).read_text()
    functions = function_names(source)
    module = workers[0] / filename

    outcome, output = run_tests(test_command(exercise, workers[0]), timeout)
    if outcome != TestOutcome.SURVIVED:
        sys.exit(f"baseline: the graded suite fails the unmutated {filename}, so mutants cannot be judged:\n{output}")

    # The session: Cosmic Ray's config format, kept beside the database so that cr-report/cr-html can read it.
    config_path, session = session_dir / f"{exercise}.toml", session_dir / f"{exercise}.sqlite"
    config = {
        "module-path": str(module),
        "timeout": timeout,
        "excluded-modules": [],
        "test-command": test_command(exercise, workers[0]),
        "distributor": {"name": "local"},
        "filters": {"line-filter": {"lines": {filename: line_ranges(mutable_lines(source))}}},
    }
    config_path.write_text(serialize_config(config))
    session.unlink(missing_ok=True)
    with use_db(str(session)) as db:
        init([module], db, {})
    line_filter.main([str(session), "--config", str(config_path)])

    with use_db(str(session)) as db:
        pending = sorted(db.pending_work_items, key=lambda item: (item.mutations[0].start_pos, item.mutations[0].operator_name))
        progress(f"{exercise}: {len(pending)} mutants (of {db.num_work_items}; the rest are outside the mutable lines)")
        free = list(workers)
        outcomes: list[Outcome] = []

        def run_one(item, worker: Path):
            mutations = [attrs.evolve(m, module_path=worker / filename) for m in item.mutations]
            started = time.monotonic()
            result = mutate_and_test(mutations, test_command(exercise, worker), timeout)
            return item, worker, result, time.monotonic() - started

        with ThreadPoolExecutor(len(workers)) as pool:
            queue, running = list(pending), set()
            while queue or running:
                while queue and free:
                    running.add(pool.submit(run_one, queue.pop(0), free.pop()))
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    item, worker, result, seconds = future.result()
                    free.append(worker)
                    db.set_result(item.job_id, result)
                    mutation = item.mutations[0]
                    lineno = mutation.start_pos[0]
                    old, new = _diff_lines(result.diff or "")
                    key = MutantKey(filename, functions.get(lineno, ""), mutation.operator_name,
                                    old or source.splitlines()[lineno - 1].strip(), new)
                    if result.worker_outcome != WorkerOutcome.NORMAL:
                        status = "error"
                    elif result.test_outcome == TestOutcome.SURVIVED:
                        status = "survived"
                    elif result.test_outcome == TestOutcome.KILLED:
                        status = "timeout" if result.output == "timeout" else "killed"
                    else:
                        status = "error"
                    outcomes.append(Outcome(exercise, key, lineno, status, seconds))
                    if status in ("survived", "error") or len(outcomes) % 25 == 0 or len(outcomes) == len(pending):
                        progress(f"  {exercise} {len(outcomes)}/{len(pending)}"
                                 + (f"  {status}: line {lineno} {mutation.operator_name}: {new}" if status in ("survived", "error") else ""))
    return outcomes


# ---------------------------------------------------------------------------------------------------------------
# Report


def report(outcomes: list[Outcome], exercises: list[str], equivalents: dict[MutantKey, str], wall: float) -> int:
    print()
    print(f"{'file':<16}{'mutants':>8}{'killed':>8}{'survived':>9}{'timeout':>8}{'error':>6}  survivors: equivalent / other")
    totals: Counter = Counter()
    for exercise in exercises:
        mine = [o for o in outcomes if o.exercise == exercise]
        counts = Counter(o.status for o in mine)
        equivalent = sum(1 for o in mine if o.status == "survived" and o.key in equivalents)
        counts["mutants"], counts["equivalent"] = len(mine), equivalent
        totals.update(counts)
        print(f"{exercise + '.py':<16}{len(mine):>8}{counts['killed']:>8}{counts['survived']:>9}{counts['timeout']:>8}"
              f"{counts['error']:>6}  {equivalent} / {counts['survived'] - equivalent}")
    print(f"{'total':<16}{totals['mutants']:>8}{totals['killed']:>8}{totals['survived']:>9}{totals['timeout']:>8}"
          f"{totals['error']:>6}  {totals['equivalent']} / {totals['survived'] - totals['equivalent']}")
    print(f"(killed excludes timeouts; a timeout also fails the mutant. Wall time {wall:.0f} s.)")

    unlisted = sorted((o for o in outcomes if o.status == "survived" and o.key not in equivalents),
                      key=lambda o: (o.exercise, o.lineno, o.key.operator))
    if unlisted:
        print(f"\n{len(unlisted)} surviving mutants not listed as equivalent in {EQUIVALENTS.relative_to(ROOT)}:")
        for o in unlisted:
            print(f"  {o.key.file}:{o.lineno}  {o.key.function}  {o.key.operator}")
            print(f"      - {o.key.line}\n      + {o.key.mutated}")
    errors = [o for o in outcomes if o.status == "error"]
    for o in errors:
        print(f"tool error: {o.key.file}:{o.lineno} {o.key.operator}: {o.key.mutated}")
    wrongly_listed = [o for o in outcomes if o.key in equivalents and o.status != "survived"]
    for o in wrongly_listed:
        print(f"warning: listed as equivalent but {o.status}: {o.key.file}:{o.lineno} {o.key.operator}: {o.key.mutated}"
              " (a wrong listing, or the graded suite rejects a valid implementation)")
    return 1 if unlisted or errors else 0


def suite_fingerprint() -> str:
    """A hash of everything the test command reads besides the mutant: the graded suite and the checker."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "tests" / "graded").rglob("*"), *(ROOT / "checker").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exercise", action="append", choices=EXERCISES, metavar="NAME",
                        help=f"mutate only this exercise (repeatable; one of {', '.join(EXERCISES)}); default all")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once, each in its own copy (default 1)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per mutant's test run (default 30)")
    parser.add_argument("--memory-mb", type=int, default=4096,
                        help="address-space limit of each test run, so that a mutant cannot exhaust a shared machine")
    parser.add_argument("--session-dir", type=Path, default=None,
                        help="keep Cosmic Ray's sessions (<exercise>.sqlite, .toml) here for cr-report/cr-html")
    parser.add_argument("--json", type=Path, default=None, help="write every mutant and its outcome to this file")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    exercises = args.exercise or list(EXERCISES)
    _import_cosmic_ray()
    # On SIGTERM, unwind normally: the running mutant's file is restored and the temporary copies removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.chdir(ROOT)  # the test command names tests/graded/... relative to the repository
    # Inherited by every test run: a mutant that asks for a huge array fails fast instead of swapping, and
    # BLAS uses one thread per run (the job count is the parallelism).
    limit = args.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started, fingerprint = time.monotonic(), suite_fingerprint()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    progress(f"commit {head or '?'}, graded suite + checker fingerprint {fingerprint}")
    with tempfile.TemporaryDirectory(prefix="gradkit-mutation-") as tmp:
        workers = []
        for j in range(args.jobs):  # one private copy of the exercise files per job; solutions/ is never written
            worker = Path(tmp) / f"worker{j}"
            worker.mkdir()
            for exercise in EXERCISES:
                shutil.copy2(SOLUTIONS / f"{exercise}.py", worker / f"{exercise}.py")
            workers.append(worker)
        session_dir = args.session_dir or Path(tmp)
        session_dir.mkdir(parents=True, exist_ok=True)
        outcomes = []
        for exercise in exercises:
            outcomes += run_exercise(exercise, workers, session_dir, args.timeout, progress)
    wall = time.monotonic() - started
    if args.json:
        args.json.write_text(json.dumps([{**o.key._asdict(), "exercise": o.exercise, "lineno": o.lineno,
                                          "status": o.status, "seconds": round(o.seconds, 2)} for o in outcomes], indent=1))
    status = report(outcomes, exercises, load_equivalents(), wall)
    if suite_fingerprint() != fingerprint:
        print("warning: tests/graded/ or checker/ changed during the run, so mutants were judged by different "
              "suites: run again for a consistent result")
        status = status or 1
    return status


if __name__ == "__main__":
    sys.exit(main())
