"""The equivalent-mutant list (benchmarks/equivalent_mutants.toml) cannot silently rot.

`python benchmarks/mutation.py` (Cosmic Ray over a copy of solutions/) accepts a surviving mutant only if it is
listed as equivalent. Each listing names a line of solutions/; if that line is edited or moved out of its
method, the listing no longer matches anything and must fail here, not just stop matching. This test does not
run Cosmic Ray (nor need it installed): it only reads the list and the solution files.
"""

import importlib.util
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIST = ROOT / "benchmarks" / "equivalent_mutants.toml"
SOLUTIONS = ROOT / "solutions"
FIELDS = {"file", "function", "operator", "line", "mutated", "reason"}


def _load_mutation_script():
    spec = importlib.util.spec_from_file_location("gradkit_benchmark_mutation", ROOT / "benchmarks" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MUTATION = _load_mutation_script()
with LIST.open("rb") as _handle:
    ENTRIES = tomllib.load(_handle).get("mutant", [])


def _function_lines(source: str, function: str) -> dict[int, str]:
    """Line number -> stripped text of every line of `Class.method` (or `function`) in `source`."""
    names = MUTATION.function_names(source)
    lines = source.splitlines()
    return {n: lines[n - 1].strip() for n, name in names.items() if name == function}


def test_the_list_is_well_formed():
    assert ENTRIES, f"{LIST} lists no mutant"
    keys = set()
    for entry in ENTRIES:
        assert set(entry) == FIELDS, f"{entry}: expected exactly the fields {sorted(FIELDS)}"
        assert all(isinstance(entry[f], str) and entry[f].strip() for f in FIELDS), f"{entry}: an empty field"
        assert entry["file"] in {f"{name}.py" for name in MUTATION.EXERCISES}, entry
        assert entry["operator"].split("/")[0] in {"core", "gradkit"}, entry
        assert entry["line"] != entry["mutated"], f"{entry}: the mutant changes nothing"
        key = MUTATION.MutantKey(*(entry[f] for f in MUTATION.MutantKey._fields))
        assert key not in keys, f"listed twice: {entry}"
        keys.add(key)
    assert MUTATION.load_equivalents(LIST).keys() == keys


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e['file']}:{e['function']}:{e['line'][:40]}")
def test_each_listed_mutant_still_points_at_a_mutable_line_of_solutions(entry):
    source = (SOLUTIONS / entry["file"]).read_text()
    in_function = _function_lines(source, entry["function"])
    assert in_function, f"solutions/{entry['file']} has no {entry['function']}: update {LIST.name}"
    found = [n for n, text in in_function.items() if text == entry["line"]]
    assert found, (
        f"solutions/{entry['file']} {entry['function']} no longer has the line {entry['line']!r}: "
        f"re-run benchmarks/mutation.py and update {LIST.name}"
    )
    mutable = MUTATION.mutable_lines(source)
    assert any(n in mutable for n in found), (
        f"solutions/{entry['file']}:{found}: {entry['line']!r} is outside the mutated lines (solution fences and "
        "constructors), so this listing can never match"
    )
