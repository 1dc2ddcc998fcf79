"""pytest glue for sandboxed grading: ``-p gradkit.batch.plugin --gradkit-sandbox FOLDER``.

It hands the graded suite's `impl` fixture a `SandboxedImplementation` (through the config's stash,
`gradkit.checker.grading.PROVIDED`), so the same tests, points and messages apply, while student code
runs only in the sandboxed evaluator.
"""

from __future__ import annotations

import gc
import json
import resource
import time
from pathlib import Path

import pytest

from gradkit.batch.lifetime import end_with_grader
from gradkit.batch.limits import Limits
from gradkit.checker.grading import PROVIDED
from gradkit.checker.plugin import activate
from gradkit.batch.proxy import SandboxedImplementation
from gradkit.batch.sandbox import describe

SANDBOX_HELP = "grade the submission in FOLDER through the sandboxed evaluator (student code never runs in pytest)"
LIMITS_HELP = "JSON object of gradkit.batch.limits.Limits fields for the evaluator"
REPORT_HELP = "write the sandbox's layers and what it refused to student code to this JSON file"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gradkit", "gradkit grading")
    group.addoption("--gradkit-sandbox", default=None, metavar="FOLDER", help=SANDBOX_HELP)
    group.addoption("--gradkit-limits", default=None, metavar="JSON", help=LIMITS_HELP)
    group.addoption("--gradkit-sandbox-report", default=None, metavar="PATH", help=REPORT_HELP)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    folder = config.getoption("--gradkit-sandbox")
    if folder:
        end_with_grader()  # a new process started by the grader (a zygote's fork did this as it began)
        activate(config)
        _no_core_dumps()
        _fewer_collections()
        limits_json = config.getoption("--gradkit-limits")
        limits = Limits.from_dict(json.loads(limits_json)) if limits_json else Limits()
        report = config.getoption("--gradkit-sandbox-report")
        sandboxed = SandboxedGrading(folder, limits, report)
        config.stash[PROVIDED] = sandboxed.implementation
        config.pluginmanager.register(sandboxed, "gradkit-sandboxed-impl")


def _cpu_seconds() -> float:
    """CPU time of this grading process so far."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    return mine.ru_utime + mine.ru_stime


def _fewer_collections() -> None:
    """Spare the grading process most of its garbage collections (a tenth of its CPU time): what is loaded by now
    (pytest, hypothesis, NumPy, the kit) lives until the end anyway, and young objects are collected in tens of
    thousands rather than hundreds (the default). Only the moment cyclic garbage goes changes."""
    gc.freeze()
    gc.set_threshold(7000, 10, 10)


def _no_core_dumps() -> None:
    """The grading process never leaves a core dump (it would hold the hidden tests' names) anywhere."""
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass


class SandboxedGrading:
    """The implementation under grading (handed to the `impl` fixture through the config's stash), the
    per-test reset of the evaluator, the sandbox report."""

    def __init__(self, folder: str, limits: Limits, report: str | None = None):
        self.implementation = SandboxedImplementation(folder, limits)
        self.report = report
        self.clock = {"configured": time.time()}  # wall-clock stamps of the run's phases, for the report

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.clock["collected"] = time.time()

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.implementation.evaluator.new_test()
        self.implementation.evaluator.current_test = item.name

    def pytest_report_header(self, config: pytest.Config) -> str:
        return f"gradkit: sandboxed evaluator for {self.implementation.spec}"

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        evaluator = self.implementation.evaluator
        self.clock["checked"] = time.time()
        self.implementation.close()  # an evaluator killed after its last call (SIGSYS) is noted before the report
        self.clock["closed"] = time.time()
        if self.report:
            evaluator.sources()  # the digests of what was graded, even when no test reached the evaluator
            Path(self.report).write_text(json.dumps({
                "sandbox": evaluator.sandbox, "refused": evaluator.refusals, "restarts": max(evaluator.restarts, 0),
                "events": evaluator.events, "cut": evaluator.cut, "seconds": round(evaluator.spent, 3),
                "budget_seconds": evaluator.limits.budget_seconds, "digests": evaluator.digests,
                "call_seconds": evaluator.call_seconds,
                "costs": {**evaluator.costs, "clock": self.clock, "grader_cpu_seconds": _cpu_seconds()}}, indent=1))

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.implementation.close()

    def pytest_terminal_summary(self, terminalreporter) -> None:
        evaluator = self.implementation.evaluator
        if evaluator.sandbox:
            terminalreporter.write_line(f"sandbox: {describe(evaluator.sandbox)}")
        if evaluator.refusals:
            terminalreporter.write_line("the sandbox refused: " + "; ".join(evaluator.refusals[:5]))
