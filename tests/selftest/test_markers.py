"""Parsing ``### BEGIN SOLUTION`` / ``### END SOLUTION`` regions, and the errors for bad markers."""

import textwrap

import pytest

from gradkit.errors import UserError
from gradkit.release.markers import MarkerError, Region, SolutionLine, find_regions, solution_lines

PATH = "solutions/conv.py"

GOOD = textwrap.dedent(
    '''\
    class Conv2D:
        def forward(self, x):
            """Docstring."""
            ### BEGIN SOLUTION
            # hint: write Conv2D.forward: pad x
            x_pad = x

            return x_pad
            ### END SOLUTION

        def backward(self, dout):
            ### BEGIN SOLUTION
            return dout
            ### END SOLUTION
    '''
)


def test_find_regions_gives_lines_indentation_and_hints():
    assert find_regions(GOOD, PATH) == [
        Region(PATH, begin=4, end=9, indent="        ", hint="write Conv2D.forward: pad x"),
        Region(PATH, begin=12, end=14, indent="        ", hint=None),
    ]


def test_a_file_without_markers_has_no_regions():
    assert find_regions("x = 1\n", PATH) == []


def test_solution_lines_are_the_non_blank_lines_inside_regions_without_hints():
    assert solution_lines(GOOD, PATH) == [
        SolutionLine(PATH, 6, "        x_pad = x"),
        SolutionLine(PATH, 8, "        return x_pad"),
        SolutionLine(PATH, 13, "        return dout"),
    ]


def test_marker_error_is_a_user_error():
    assert issubclass(MarkerError, UserError)


def body(*lines):
    return "".join(f"{line}\n" for line in lines)


@pytest.mark.parametrize(
    "source, message",
    [
        (
            body("def f():", "    return 1", "    ### END SOLUTION"),
            "solutions/conv.py:3: ### END SOLUTION without a matching ### BEGIN SOLUTION",
        ),
        (
            body("def f():", "    ### BEGIN SOLUTION", "    return 1"),
            "solutions/conv.py:2: ### BEGIN SOLUTION without a matching ### END SOLUTION",
        ),
        (
            body("def f():", "    ### BEGIN SOLUTION", "    ### BEGIN SOLUTION", "    ### END SOLUTION"),
            "solutions/conv.py:3: ### BEGIN SOLUTION inside the region opened at line 2",
        ),
        (
            body("def f():", "    ### BEGIN SOLUTION", "    return 1", "### END SOLUTION"),
            "solutions/conv.py:4: ### END SOLUTION is indented differently from its ### BEGIN SOLUTION at line 2",
        ),
        (body("def f():", "    ## BEGIN SOLUTION", "    return 1"), "solutions/conv.py:2: malformed marker"),
        (body("def f():", "    ### begin solution", "    return 1"), "solutions/conv.py:2: malformed marker"),
        (
            body("def f():", "    ### BEGIN SOLUTION", "    return 1  ### END SOLUTION"),
            "solutions/conv.py:3: malformed marker",
        ),
        (
            body("def f():", "    ### BEGIN SOLUTION", "    # hint:", "    return 1", "    ### END SOLUTION"),
            "solutions/conv.py:3: empty hint",
        ),
        (
            body("if x:", "    ### BEGIN SOLUTION", "    y = 1", "else:", "    y = 2", "    ### END SOLUTION"),
            "solutions/conv.py:4: this line is indented less than the ### BEGIN SOLUTION at line 2",
        ),
    ],
    ids=["end-without-begin", "begin-without-end", "nested", "end-indent", "two-hashes", "lower-case",
         "trailing-code", "empty-hint", "region-leaves-its-block"],
)
def test_bad_markers_raise_marker_error_naming_file_and_line(source, message):
    with pytest.raises(MarkerError) as raised:
        find_regions(source, PATH)
    assert str(raised.value).startswith(message)
