"""The pytest entry point: gradkit's options, and `activate`, which makes a run a grading run.

Loaded through the `pytest11` entry point in every pytest run of an environment where gradkit is
installed, so the module itself only declares gradkit's options. Everything else (the `impl`
fixture, the course, the grading hypothesis profile, the score table: `gradkit.checker.grading`) is
switched on by `activate` and only in a grading run: `--impl` given, or `gradkit_impl` set in the ini file (a `gradkit init` workspace,
the source repository). Other projects' pytest runs behave as if gradkit were not installed.
The checks themselves live in the library and know nothing of pytest.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from gradkit import layout
from gradkit.checker import course, grading
from gradkit.checker.grading import COURSE, impl_spec
from gradkit.checker.impl import unknown_impl
from gradkit.errors import UserError

IMPL_HELP = ("what to grade: a folder holding the exercise files (default: the workspace you are in), "
             "or, in the kit's source, exercises or solutions")
COURSE_HELP = ("the course file that says which exercises are graded and for how many points (default: the course "
               "this gradkit was released with; in the kit's source, its course.toml if there is one)")
JSON_HELP = "also write the results as Gradescope-format JSON to this file"
TIME_HELP = "wall-time limit in seconds for each graded test (student code that loops forever fails that test only)"
PLOT_HELP = "draw yours, the numerical gradient and their difference for the first failed gradient check"
PROFILE_GRADING = "gradkit-grading"
PROFILE_THOROUGH = "gradkit-thorough"

# Grades must be reproducible: derandomized, no example database, one failure reported per test.
settings.register_profile(
    PROFILE_GRADING,
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=50,
    report_multiple_bugs=False,
    print_blob=False,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.filter_too_much),
)
# For the kit's own flake hunt: random seeds (--hypothesis-seed) and more examples.
settings.register_profile(PROFILE_THOROUGH, parent=settings.get_profile(PROFILE_GRADING), derandomize=False,
                          max_examples=60)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gradkit", "gradkit grading")
    group.addoption("--impl", default=None, metavar="IMPL", help=IMPL_HELP)
    group.addoption("--gradkit-json", default=None, metavar="PATH", help=JSON_HELP)
    group.addoption("--gradkit-time-limit", type=float, default=None, metavar="SECONDS", help=TIME_HELP)
    group.addoption("--gradkit-plot", default=None, metavar="FILE.png", help=PLOT_HELP)
    group.addoption("--gradkit-course", default=None, metavar="FILE", help=COURSE_HELP)
    parser.addini("gradkit_impl", IMPL_HELP + " (a relative folder is relative to the ini file)", default="")
    parser.addini("gradkit_time_limit", TIME_HELP, default="60")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--impl") or config.getini("gradkit_impl"):
        activate(config)


def activate(config: pytest.Config) -> None:
    """Make this run a grading run (idempotent): the hooks, the fixture, the profile, the score table."""
    if config.pluginmanager.has_plugin("gradkit-grading"):
        return
    problem = unknown_impl(impl_spec(config))
    if problem:
        raise pytest.UsageError(problem)
    given = config.getoption("--gradkit-course")
    try:
        config.stash[COURSE] = course.active(Path(given) if given else None)
    except UserError as error:
        raise pytest.UsageError(str(error)) from None
    if config.args_source == pytest.Config.ArgsSource.INVOCATION_DIR:
        # No test paths given and none configured (a `gradkit init` workspace, or an --impl folder outside
        # the repository that moved pytest's rootdir away from its config): grade, do not collect the folder.
        config.args = [str(layout.graded_tests_dir())]
    config.addinivalue_line(
        "markers", "points(n): the test is graded and worth n points; its exercise is its module's name (test_<exercise>.py)"
    )
    if not config.getoption("hypothesis_profile", default=None):
        settings.load_profile(PROFILE_GRADING)
    config.pluginmanager.register(grading, "gradkit-grading")
    config.pluginmanager.register(grading.Scoreboard(config), "gradkit-scoreboard")
