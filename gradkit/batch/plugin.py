"""pytest glue for sandboxed grading: ``-p gradkit.batch.plugin --gradkit-sandbox FOLDER``.

It replaces the graded suite's `impl` fixture with a `SandboxedImplementation`, so the same tests,
points and messages apply, while student code runs only in the sandboxed evaluator. Registering
the fixture from `pytest_configure` puts it after `checker.plugin`'s, and the later definition of a
fixture wins.
"""

from __future__ import annotations

import json

import pytest

from gradkit.batch.limits import Limits
from gradkit.batch.proxy import SandboxedImplementation
from gradkit.batch.sandbox import describe

SANDBOX_HELP = "grade the submission in FOLDER through the sandboxed evaluator (student code never runs in pytest)"
LIMITS_HELP = "JSON object of gradkit.batch.limits.Limits fields for the evaluator"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gradkit", "gradkit grading")
    group.addoption("--gradkit-sandbox", default=None, metavar="FOLDER", help=SANDBOX_HELP)
    group.addoption("--gradkit-limits", default=None, metavar="JSON", help=LIMITS_HELP)


def pytest_configure(config: pytest.Config) -> None:
    folder = config.getoption("--gradkit-sandbox")
    if folder:
        limits_json = config.getoption("--gradkit-limits")
        limits = Limits.from_dict(json.loads(limits_json)) if limits_json else Limits()
        config.pluginmanager.register(SandboxedGrading(folder, limits), "gradkit-sandboxed-impl")


class SandboxedGrading:
    """The `impl` fixture and the per-test reset of the evaluator."""

    def __init__(self, folder: str, limits: Limits):
        self.implementation = SandboxedImplementation(folder, limits)

    @pytest.fixture(scope="session")
    def impl(self):
        yield self.implementation

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.implementation.evaluator.new_test()

    def pytest_report_header(self, config: pytest.Config) -> str:
        return f"gradkit: sandboxed evaluator for {self.implementation.spec}"

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.implementation.close()

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.implementation.evaluator.sandbox:
            terminalreporter.write_line(f"sandbox: {describe(self.implementation.evaluator.sandbox)}")
