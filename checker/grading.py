"""The hooks and the fixture of a grading run: the course's tests only, the `points` marker's time limit and
points (scaled as the course says), short failure messages with their diagnosis, the score table, results.json.

Registered by `gradkit.checker.plugin.activate` (this module as a plugin), never by the entry point, so
nothing here runs in other projects' pytest runs.
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.errors import Unsatisfiable

from gradkit.checker.course import Course
from gradkit.checker.guard import SHAPE_HINT, time_budget
from gradkit.checker.impl import PACKAGES, Implementation, load_implementation
from gradkit.checker.points import scaled
from gradkit.checker.results import UNJUDGED, CheckFailure, NotImplementedYet, Skipped, StudentCodeError
from gradkit.checker.scoring import HIDDEN_SUFFIX, NOT_IMPLEMENTED, Outcome, gradescope_results, score_table, total
from gradkit.checker.specs import EXERCISES, spec

# Another plugin (sandboxed batch grading) may provide the implementation under grading.
PROVIDED = pytest.StashKey[Implementation]()
# The course graded (`gradkit.checker.plugin.activate` reads it: --gradkit-course, else gradkit's own).
COURSE = pytest.StashKey[Course]()


def impl_spec(config: pytest.Config) -> str:
    """What to grade: `--impl` as given, else the ini's `gradkit_impl` (a folder relative to the ini file)."""
    given = config.getoption("--impl")
    if given:
        return given
    configured = config.getini("gradkit_impl") or "exercises"
    if configured in PACKAGES or Path(configured).is_absolute():
        return configured
    return str(config.rootpath / configured)


@pytest.fixture(scope="session")
def impl(pytestconfig: pytest.Config) -> Implementation:
    """The implementation under grading (`--impl`, or the one a plugin provided)."""
    provided = pytestconfig.stash.get(PROVIDED, None)
    if provided is not None:
        return provided
    try:
        return load_implementation(impl_spec(pytestconfig))
    except CheckFailure as failure:
        raise pytest.UsageError(str(failure)) from None


def exercise_of(path: Path) -> str:
    """The exercise a graded test file belongs to: "conv" for test_conv.py, "conv_hidden" for test_conv_hidden.py."""
    return path.stem.removeprefix("test_")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # A folder of graded tests holds every exercise the kit has; the course grades its own. A file named on the
    # command line is never asked about (pytest collects it), so a maintainer can still run any exercise's tests.
    exercise = exercise_of(collection_path).removesuffix(HIDDEN_SUFFIX)
    if collection_path.suffix == ".py" and exercise in EXERCISES and exercise not in config.stash[COURSE].exercises:
        return True
    return None


def pytest_report_header(config: pytest.Config) -> str:
    return (f"gradkit: grading --impl {impl_spec(config)}, course {config.stash[COURSE].name} "
            f"(hypothesis profile: {settings.get_current_profile_name()})")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if item.get_closest_marker("points") is None:
        return (yield)
    limit = item.config.getoption("--gradkit-time-limit") or float(item.config.getini("gradkit_time_limit"))
    token = UNJUDGED.set(Skipped())
    try:
        with time_budget(limit):
            return (yield)
    except Unsatisfiable:
        raise _never_judged(item, UNJUDGED.get().first) from None
    finally:
        UNJUDGED.reset(token)
        # Hypothesis would write a .hypothesis/patches file per failure; the case is in our message.
        item.__dict__.pop("_hypothesis_failing_examples", None)


def _never_judged(item: pytest.Item, skipped: CheckFailure | None) -> CheckFailure:
    """The failure of a test none of whose examples could be judged: forward's output was unusable on every one
    (`judged_where_possible` skipped them all), so what this test checks was never seen and earns nothing."""
    cls = EXERCISES[exercise_of(item.path).removesuffix(HIDDEN_SUFFIX)].cls
    if skipped is None:
        return CheckFailure(f"{cls}: no example could be judged (every case tried was discarded: each step of the "
                            "gradient check crossed a kink or a tie of your forward)")
    first = skipped.message.splitlines()
    failure = CheckFailure(
        f"{cls}: this test could not judge your code on any case: forward's output cannot be used on any case "
        f"tried (the forward tests charge that), for example:\n  {first[0]}" + "".join(f"\n{line}" for line in first[1:])
        + ("" if "hint:" in skipped.message else "\n  hint: fix the forward first; this test judges the rest once "
                                                   "forward's output can be used"),
        tensor=skipped.tensor, hint=skipped.hint)
    failure.case = skipped.case
    return failure


def pytest_itemcollected(item: pytest.Item) -> None:
    if item.get_closest_marker("points") is not None and hasattr(item, "repr_failure"):
        item.repr_failure = functools.partial(_repr_failure, item.repr_failure)  # type: ignore[method-assign]


def _repr_failure(default, excinfo: pytest.ExceptionInfo[BaseException]):
    """A failed check is shown as its message (`_makereport` replaces the report's text with it), so pytest's long
    traceback, which re-parses each source file of the stack, is never built for one. Hypothesis asks for it on
    every failing example while it shrinks: that was most of the time a submission of stubs took to grade."""
    failure = _check_failure(excinfo)
    return failure.message if failure is not None else default(excinfo)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report: pytest.TestReport = yield
    return _makereport(item, call, report)


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    # A stub is not a crash: its tests get their own quiet category (no traceback section), still failed.
    for key, value in getattr(report, "user_properties", ()):  # collection reports have none
        if key == "gradkit" and value["status"] == NOT_IMPLEMENTED:
            return NOT_IMPLEMENTED, "N", ("NOT IMPLEMENTED", {"yellow": True})
    return None


def _check_failure(excinfo: pytest.ExceptionInfo[BaseException] | None) -> CheckFailure | None:
    """The CheckFailure behind a failed test, also when hypothesis wrapped it in an exception group."""
    if excinfo is None:
        return None
    error: BaseException | None = excinfo.value
    while isinstance(error, BaseExceptionGroup):
        error = next((e for e in error.exceptions if isinstance(e, (CheckFailure, BaseExceptionGroup))), None)
    return error if isinstance(error, CheckFailure) else None


def _makereport(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> pytest.TestReport:
    marker = item.get_closest_marker("points")
    if marker is None or (report.when != "call" and report.passed):
        return report
    failure = _check_failure(call.excinfo)
    if failure is not None:
        _diagnose(item, failure)
        report.longrepr = failure.message
    status = "passed" if report.passed else (NOT_IMPLEMENTED if isinstance(failure, NotImplementedYet) else "failed")
    message = "" if report.passed else (failure.message if failure else _last_line(report))
    exercise = exercise_of(item.path)
    outcome = Outcome(
        exercise=exercise,
        name=getattr(item, "originalname", item.name),
        points=scaled(float(marker.args[0] if marker.args else marker.kwargs["n"]), exercise, item.config.stash[COURSE]),
        passed=report.passed,
        message=message,
        status=status,
        tensor=_blamed(failure, exercise),
        hint=failure.hint if failure is not None else None,
    )
    # user_properties travel with the report (also from pytest-xdist workers to the controller).
    report.user_properties.append(("gradkit", outcome.to_dict()))
    return report


def _blamed(failure: CheckFailure | None, exercise: str) -> str | None:
    """The tensor a failure names; a forward that raised could not compute its output, so that is what it names."""
    if failure is None or failure.tensor is not None:
        return failure.tensor if failure is not None else None
    if isinstance(failure, StudentCodeError) and f"{EXERCISES[exercise].cls}.forward raised" in failure.message:
        return getattr(spec(exercise), "OUTPUT", "out")
    return None


def _diagnose(item: pytest.Item, failure: CheckFailure) -> None:
    """Add the diagnosis of a failed gradient check to its message (once, on the shrunk case)."""
    plot = item.config.getoption("--gradkit-plot")
    if plot and failure.case is not None and not Path(plot).exists():
        with time_budget(120), contextlib.suppress(Exception):
            from gradkit.checker.plots import plot_gradients

            plot_gradients(load_implementation(impl_spec(item.config)), failure.case, Path(plot))
    impl = item.funcargs.get("impl") if hasattr(item, "funcargs") else None
    if impl is None or failure.case is None or (failure.gradient is None and not isinstance(failure, StudentCodeError)):
        return
    from gradkit.checker.diagnose import diagnose_failure

    try:
        with time_budget(60):
            diagnosis = diagnose_failure(impl, failure, item.config.getoption("verbose") > 0)
    except Exception as error:  # noqa: BLE001 - a diagnosis must never hide the failure itself
        failure.message += f"\n  (no further diagnosis: {str(error).splitlines()[0]})"
        return
    failure.gradient = None  # diagnosed once
    if diagnosis is None:
        return
    if diagnosis.hint is not None and isinstance(failure, StudentCodeError):
        failure.message = failure.message.replace("\n" + SHAPE_HINT, "")  # the cause found says more
    if diagnosis.lines:
        failure.message += "\n" + "\n".join(diagnosis.lines)
    failure.hint = failure.hint or (diagnosis.hint.id if diagnosis.hint else None)


def _last_line(report: pytest.TestReport) -> str:
    text = str(report.longrepr or "").strip().splitlines()
    return text[-1] if text else report.outcome


class Scoreboard:
    """Collects graded outcomes as reports arrive (on the controller when pytest-xdist runs workers)."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.outcomes: list[Outcome] = []
        self.started = time.monotonic()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for key, value in getattr(report, "user_properties", ()):  # collection reports have none
            if key == "gradkit":
                self.outcomes.append(Outcome(**value))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        plot = self.config.getoption("--gradkit-plot")
        if plot and self.outcomes and not Path(plot).exists():
            self._plot_default_case(Path(plot))
        path = self.config.getoption("--gradkit-json")
        if path and self.outcomes:
            results = gradescope_results(self.outcomes, time.monotonic() - self.started,
                                         self.config.stash[COURSE].exercises)
            # Not Gradescope's: the maximum, and the outcomes themselves, which other gradkit tools re-read
            # (`runner.read_outcomes`).
            results["max_score"] = total(o.points for o in self.outcomes)
            results["gradkit_outcomes"] = [o.to_dict() for o in self.outcomes]
            Path(path).write_text(json.dumps(results, indent=2) + "\n")

    def _plot_default_case(self, path: Path) -> None:
        """Every gradient check passed: draw the exercise's standard case (so --plot always draws)."""
        from gradkit.checker.plots import default_case, plot_gradients

        case = next((default_case(o.exercise) for o in self.outcomes if default_case(o.exercise) is not None), None)
        if case is not None:
            with time_budget(120), contextlib.suppress(CheckFailure):
                plot_gradients(load_implementation(impl_spec(self.config)), case, path)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        plot = self.config.getoption("--gradkit-plot")
        if plot and Path(plot).exists():
            terminalreporter.write_line(f"gradkit: gradient picture written to {plot}")
        if not self.outcomes:
            return
        terminalreporter.write_sep("=", f"gradkit score: --impl {impl_spec(self.config)}")
        terminalreporter.write_line(score_table(self.outcomes, self.config.stash[COURSE].exercises))
        if not all(o.passed for o in self.outcomes) and len({o.exercise for o in self.outcomes}) > 1:
            terminalreporter.write_line("a closer look at one exercise: gradkit check <exercise>")

