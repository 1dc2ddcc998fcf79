"""exercises/ is exactly what `gradkit make-stubs` generates from solutions/, and the stubs behave."""

import argparse
import importlib.util
import shutil
import textwrap
from pathlib import Path

import pytest

from gradkit.cli import make_stubs
from gradkit.release.markers import MarkerError, find_regions, solution_lines
from gradkit.release.stubs import check_stubs, make_stub, write_stubs

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"

# (file, class, constructor arguments, {method: call arguments})
CONTRACT = [
    ("conv", "Conv2D", (3, 4, 3), {"forward": (None,), "backward": (None,)}),
    ("pool", "MaxPool2D", (), {"forward": (None,), "backward": (None,)}),
    ("relu", "ReLU", (), {"forward": (None,), "backward": (None,)}),
    ("linear", "Linear", (4, 2), {"forward": (None,), "backward": (None,)}),
    ("softmax_ce", "SoftmaxCrossEntropy", (), {"forward": (None, None), "backward": ()}),
    ("sgd_momentum", "SGDMomentum", ([],), {"step": ()}),
    ("avgpool", "AvgPool2D", (), {"forward": (None,), "backward": (None,)}),
    ("dropout", "Dropout", (), {"forward": (None,), "backward": (None,)}),
    ("batchnorm", "BatchNorm2D", (3,), {"forward": (None,), "backward": (None,)}),
    ("adam", "Adam", ([],), {"step": ()}),
]


def load_file(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checked_in_exercises_match_the_generated_stubs():
    drifted = check_stubs(SOLUTIONS, EXERCISES)
    assert drifted == [], f"exercises/ is out of date, run `gradkit make-stubs`: {[p.name for p in drifted]}"


def test_init_is_copied_unchanged():
    assert (EXERCISES / "__init__.py").read_text() == (SOLUTIONS / "__init__.py").read_text()


@pytest.mark.parametrize("name, cls, args, methods", CONTRACT, ids=[c[0] for c in CONTRACT])
def test_every_stub_imports_constructs_and_raises_its_hint(name, cls, args, methods):
    solution_text = (SOLUTIONS / f"{name}.py").read_text()
    hints = [region.hint for region in find_regions(solution_text, f"solutions/{name}.py")]
    stub = load_file(EXERCISES / f"{name}.py", f"gradkit_selftest_stub_{name}")
    layer = getattr(stub, cls)(*args)
    assert hasattr(layer, "params") or "step" in methods  # a layer has params; an optimizer steps
    messages = []
    for method, call_args in methods.items():
        with pytest.raises(NotImplementedError) as raised:
            getattr(layer, method)(*call_args)
        messages.append(str(raised.value))
    assert messages == hints  # one region per method, in file order
    assert all(message and "\n" not in message for message in messages)


@pytest.mark.parametrize("name", [c[0] for c in CONTRACT])
def test_no_solution_line_leaks_into_a_stub(name):
    solution_text = (SOLUTIONS / f"{name}.py").read_text()
    secret = {line.text.strip() for line in solution_lines(solution_text, f"solutions/{name}.py")}
    inside = {line.lineno for line in solution_lines(solution_text, f"solutions/{name}.py")}
    provided = {text.strip() for lineno, text in enumerate(solution_text.splitlines(), 1) if lineno not in inside}
    stub_lines = {text.strip() for text in (EXERCISES / f"{name}.py").read_text().splitlines()}
    assert (secret - provided) & stub_lines == set()


SOURCE = textwrap.dedent(
    '''\
    """A module."""


    def helper():
        return 2


    class Layer:
        def forward(self, x):
            """Docstring stays."""
            ### BEGIN SOLUTION
            # hint: write Layer.forward: double "x"
            return helper() * x
            ### END SOLUTION

        def backward(self, dout):
            y = 1
            ### BEGIN SOLUTION
            return dout * y
            ### END SOLUTION
    '''
)


def test_make_stub_replaces_each_region_by_a_raise_with_the_hint_or_a_default():
    stub = make_stub(SOURCE, "solutions/layer.py")
    header, body = stub.split('"""A module."""', 1)
    assert header.startswith("# Generated from solutions/layer.py by `gradkit make-stubs`")
    assert len(header.splitlines()) <= 2
    forward_stub = '        raise NotImplementedError("write Layer.forward: double \\"x\\"")\n'
    assert '        """Docstring stays."""\n' + forward_stub in body
    assert '        y = 1\n        raise NotImplementedError("write Layer.backward")\n' in body
    assert "return helper() * x" not in stub and "SOLUTION" not in stub
    namespace = {}
    exec(compile(stub, "layer.py", "exec"), namespace)
    with pytest.raises(NotImplementedError, match=r'^write Layer\.forward: double "x"$'):
        namespace["Layer"]().forward(1)


def test_make_stub_leaves_a_file_without_regions_unchanged():
    assert make_stub("x = 1\n", "solutions/__init__.py") == "x = 1\n"


def test_a_region_outside_functions_becomes_a_comment_so_the_module_still_imports():
    source = "### BEGIN SOLUTION\ndef _windows(x):\n    return x\n### END SOLUTION\n\nclass A:\n    pass\n"
    stub = make_stub(source, "solutions/a.py")
    assert "# TODO: write _windows\n" in stub and "return x" not in stub
    exec(compile(stub, "a.py", "exec"), {})


def test_make_stub_reports_bad_markers_with_file_and_line():
    broken = SOURCE.replace("        ### BEGIN SOLUTION\n        return dout", "        return dout")
    with pytest.raises(MarkerError, match=r"^solutions/layer\.py:19: ### END SOLUTION without a matching"):
        make_stub(broken, "solutions/layer.py")


def test_a_region_must_sit_inside_one_block():
    source = textwrap.dedent(
        """\
        def f(x):
            if x:
                ### BEGIN SOLUTION
                return 1
            else:
                return 2
                ### END SOLUTION
        """
    )
    with pytest.raises(MarkerError, match=r"^solutions/f\.py:5: .*indented less than"):
        make_stub(source, "solutions/f.py")


def test_make_stub_refuses_a_region_that_leaves_invalid_python():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    if x:\n    ### END SOLUTION\n        return 1\n"
    with pytest.raises(MarkerError, match="not valid Python"):
        make_stub(source, "solutions/f.py")


def test_write_check_and_the_cli_agree(tmp_path, capsys):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    parser = argparse.ArgumentParser()
    make_stubs.add_arguments(parser)
    args = ["--solutions", str(solutions), "--exercises", str(exercises)]

    assert len(check_stubs(solutions, exercises)) == len(list(solutions.glob("*.py")))  # nothing written yet
    assert make_stubs.run(parser.parse_args(args)) == 0
    assert check_stubs(solutions, exercises) == []
    assert write_stubs(solutions, exercises) == []  # nothing left to change
    assert make_stubs.run(parser.parse_args([*args, "--check"])) == 0

    relu = solutions / "relu.py"
    relu.write_text(relu.read_text().replace("# hint: write ReLU.backward", "# hint: write ReLU.backward now"))
    assert check_stubs(solutions, exercises) == [exercises / "relu.py"]
    capsys.readouterr()
    assert make_stubs.run(parser.parse_args([*args, "--check"])) == 1
    assert "relu.py" in capsys.readouterr().out

    relu.write_text(relu.read_text().replace("### END SOLUTION", "## END SOLUTION", 1))
    before = (exercises / "relu.py").read_text()
    with pytest.raises(MarkerError, match=r"^solutions/relu\.py:\d+: malformed marker"):
        make_stubs.run(parser.parse_args(args))
    assert (exercises / "relu.py").read_text() == before  # an error writes nothing


def test_make_stubs_keeps_edited_files_unless_forced_and_regenerates_unedited_stubs(tmp_path, capsys):
    from gradkit.cli.main import main

    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    args = ["make-stubs", "--solutions", str(solutions), "--exercises", str(exercises)]
    assert main(args) == 0
    # a maintainer changed a hint: the untouched stubs of the previous solutions are regenerated freely
    relu = solutions / "relu.py"
    relu.write_text(relu.read_text().replace("# hint: write ReLU.backward", "# hint: write ReLU.backward now"))
    assert main(args) == 0 and "now" in (exercises / "relu.py").read_text()
    # a student solved two files: kept, named in one line, nothing written
    for name in ("conv.py", "pool.py"):
        (exercises / name).write_text((solutions / name).read_text())
    relu.write_text(relu.read_text().replace("backward now", "backward, please"))
    capsys.readouterr()
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "gradkit make-stubs: not overwriting exercises/conv.py, exercises/pool.py: edited since generated "
        "(someone's work?); add --force to replace them by fresh stubs\n")
    assert (exercises / "conv.py").read_text() == (solutions / "conv.py").read_text()
    assert "please" not in (exercises / "relu.py").read_text()
    assert main([*args, "--force"]) == 0 and check_stubs(solutions, exercises) == []


def test_make_stubs_is_a_maintainer_command_students_are_not_pointed_to(tmp_path, capsys):
    from gradkit.cli.main import build_parser, main

    assert "make-stubs" not in build_parser().format_help()
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(SOLUTIONS, exercises, ignore=shutil.ignore_patterns("__pycache__"))  # all six solved
    capsys.readouterr()
    assert main(["make-stubs", "--check", "--solutions", str(solutions), "--exercises", str(exercises)]) == 1
    out = capsys.readouterr().out
    assert "expected once you have started working on them" in out
    assert "\nmaintainers: `gradkit make-stubs` regenerates" in out and "\nrun `gradkit make-stubs`" not in out
