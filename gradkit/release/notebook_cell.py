"""What the graded cells of the nbgrader notebooks call; copied into each assignment as gradkit_notebook.py.

A graded cell is::

    from gradkit_notebook import grade
    hidden = False
    ### BEGIN HIDDEN TESTS
    hidden = True
    ### END HIDDEN TESTS
    points = grade("conv", 25, hidden=hidden)
    points

`grade` runs the exercise's graded tests (the same pytest tests, checks and points as everywhere
else) in a child process and returns the points earned as a plain float, the form nbgrader reads as
partial credit. The child grades the course in ``course.json`` beside this file (the points it gives each
exercise), and a cell is worth the exercise's public plus instructor-only points in that course, so
nbgrader's total is the total `gradkit grade-all --course` reports (out of the same maximum). It is
written for nbgrader's traps:

* It never writes to stderr and never raises (a stderr line or an error gives the cell 0): every
  problem becomes a printed line and a score of 0.0.
* It returns a builtin float, never a NumPy scalar or an exit code (a non-float gives full credit).
* The kernel never imports student code: the exercise file is only copied. With the child in a
  fresh temporary folder that holds copies of the graded tests and the course's student files (and
  nothing else a student may have added to the assignment folder) and run with ``python -P``, no
  student file can shadow a module or add a conftest.py. The checker is the installed gradkit's.
* Under nbgrader (``nbgrader_config.py`` sets ``GRADKIT_SANDBOX=1``), student code runs only in
  gradkit's sandboxed evaluator, so it cannot tamper with the checks that score it.
* Hidden tests come from the folder ``GRADKIT_HIDDEN_TESTS`` names (set by ``nbgrader_config.py``,
  outside the released files); only how many points they gave is printed, never their names,
  code or messages.

This file uses only the standard library: it must import in any student kernel.
"""

import contextlib
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
EXERCISE_FILES = ()  # written by `gradkit release`: the course's exercise files
COURSE = "course.json"  # beside this file: the course whose points the child grades with
TIMEOUT_SECONDS = 240  # below the notebook's per-cell timeout, so a slow run still ends with a score


def _copy_grader(tmp, exercise, hidden_dir):
    """Copy the exercise's graded test (and hidden test) and the course into tmp; return the test paths. The
    checker they use is the installed gradkit's."""
    os.makedirs(os.path.join(tmp, "tests", "graded"))
    tests = [os.path.join("tests", "graded", f"test_{exercise}.py")]
    shutil.copyfile(os.path.join(HERE, tests[0]), os.path.join(tmp, tests[0]))
    if hidden_dir:
        hidden = os.path.join(hidden_dir, f"test_{exercise}_hidden.py")
        if os.path.isfile(hidden):
            os.makedirs(os.path.join(tmp, "tests", "hidden"))
            tests.append(os.path.join("tests", "hidden", os.path.basename(hidden)))
            shutil.copyfile(hidden, os.path.join(tmp, tests[-1]))
    if os.path.isfile(os.path.join(HERE, COURSE)):
        shutil.copyfile(os.path.join(HERE, COURSE), os.path.join(tmp, COURSE))
    with open(os.path.join(tmp, "pytest.ini"), "w") as handle:
        handle.write("[pytest]\n")  # this file, not one a student added, configures pytest
    return tests


def _copy_submission(tmp, folder):
    """Copy the course's exercise files (regular files only) from the notebook's folder."""
    target = os.path.join(tmp, "submission")
    os.makedirs(target)
    for name in EXERCISE_FILES:
        source = os.path.join(folder, name)
        if os.path.isfile(source) and not os.path.islink(source):
            shutil.copyfile(source, os.path.join(target, name))
    return target


def _command(tests, sandbox, limits_seconds, course):
    command = [sys.executable, "-P", "-m", "pytest", *tests, "-q", "-p", "no:cacheprovider",
               "-c", "pytest.ini", "--rootdir", ".", "--impl", "submission",
               "--gradkit-json", "results.json", "--gradkit-time-limit", str(limits_seconds)]
    if course:
        command += ["--gradkit-course", COURSE]
    if sandbox:
        command += ["-p", "gradkit.batch.plugin", "--gradkit-sandbox", "submission"]
    return command


def _run(exercise, hidden, folder):
    """Grade one exercise; return (outcomes as dicts, problem text or "")."""
    hidden_dir = os.environ.get("GRADKIT_HIDDEN_TESTS", "") if hidden else ""
    if hidden and not os.path.isdir(hidden_dir):
        return [], "the hidden tests are not available here (GRADKIT_HIDDEN_TESTS is not a folder)"
    sandbox = os.environ.get("GRADKIT_SANDBOX") == "1"
    tmp = tempfile.mkdtemp(prefix="gradkit-cell-")
    try:
        tests = _copy_grader(tmp, exercise, hidden_dir)
        _copy_submission(tmp, folder)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
        try:
            course = os.path.isfile(os.path.join(tmp, COURSE))
            subprocess.run(_command(tests, sandbox, 60, course), check=False, cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return [], f"grading took longer than {TIMEOUT_SECONDS} s"
        results = os.path.join(tmp, "results.json")
        if not os.path.isfile(results):
            return [], "the grader produced no results"
        with open(results) as handle:
            return json.load(handle).get("gradkit_outcomes", []), ""
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _summary(outcomes, exercise):
    """Lines for the notebook: each public check with its first failure line; hidden checks only counted."""
    lines = []
    hidden = [o for o in outcomes if o["exercise"] != exercise]
    for o in outcomes:
        if o["exercise"] != exercise:
            continue
        name = o["name"].replace(f"test_{exercise}_", "").replace("_", " ")
        mark = "passed" if o["passed"] else "FAILED"
        lines.append(f"  {mark}  {name} ({o['points']:g} points)")
        if not o["passed"] and o.get("message"):
            lines += ["      " + line for line in o["message"].strip().splitlines()[:8]]
    if hidden:
        lines.append(f"  instructor's further checks: {_total(hidden, True):g} of {_total(hidden):g} points")
    return lines


def _total(outcomes, passed_only=False):
    return float(math.fsum(o["points"] for o in outcomes if o["passed"] or not passed_only))


def grade(exercise, points, hidden=False, folder=None):
    """Score `exercise` out of `points` (a float), printing a short report; never raises, never uses stderr."""
    sink = io.StringIO()
    try:
        with contextlib.redirect_stderr(sink), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcomes, problem = _run(exercise, hidden, folder or os.getcwd())
            if problem or not outcomes:
                print(f"{exercise}: 0 of {points:g} points: {problem or 'no graded test ran'}")
                return 0.0
            # Points as the course gives them, never rescaled here: the cell is worth the exercise's public plus
            # instructor-only points, the same numbers `gradkit grade-all` reports for the same files.
            public = [o for o in outcomes if o["exercise"] == exercise]
            further = [o for o in outcomes if o["exercise"] != exercise]
            earned = _total(outcomes, passed_only=True)
            score = float(min(max(earned, 0.0), float(points)))
            public_part = f"public {_total(public, True):g}/{_total(public):g}"
            if further:
                print(f"{exercise}: {score:g} of {points:g} points ({public_part}, "
                      f"instructor {_total(further, True):g}/{_total(further):g})")
            else:
                print(f"{exercise}: {score:g} of {points:g} points ({public_part}; the instructor's checks, "
                      f"{float(points) - _total(public):g} points, run when your work is graded)")
            print("\n".join(_summary(outcomes, exercise)))
            if os.environ.get("GRADKIT_SANDBOX") == "1":
                print("  (your code ran in gradkit's sandbox)")
            return score
    except Exception as error:  # noqa: BLE001 - a grading cell must end with a number, never an error
        print(f"{exercise}: 0 of {points:g} points: the grader failed ({type(error).__name__}: {error})")
        return 0.0
