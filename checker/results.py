"""What a failed check raises: one exception type per kind of failure, each with a short message."""

from __future__ import annotations

import dataclasses

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from hypothesis import currently_in_test_context, reject


class CheckFailure(Exception):
    """A graded check failed. `str(failure)` is the few lines the student reads.

    `tensor` names the wrong tensor ("dx", "dW", "db", "dscores", "out", ...) when one is known;
    `details` holds numbers the diagnosis can use (never shown unless asked for).
    """

    def __init__(self, message: str, *, tensor: str | None = None, hint: str | None = None,
                 details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.tensor = tensor
        self.hint = hint  # the id of the mistake the message explains ("flip", "scale", ...), if known
        self.details = details or {}
        self.case: object | None = None  # the case that failed, filled in by the check that knows it
        # The tensor ("x", "W", "b", "scores") whose gradient check failed on `case`: the plugin then asks
        # `checker.diagnose` why, once, after hypothesis has shrunk the case. Plain data, never a closure.
        self.gradient: str | None = None
        # True when forward's output cannot be used on `case` (it raised, returned no array or the wrong shape):
        # the forward's own tests charge that; a check of something else skips the case (`judged_where_possible`).
        self.unusable_forward = False
        # True when what failed is what a right backward computes from your forward's own (wrong) results: the
        # engine then charges only a forward that is wrong on the stored examples (`fixtures.behind_the_forward`).
        self.follows_forward = False

    def __str__(self) -> str:
        return self.message


class RemoteError(Exception):
    """What student code raised in another process (the sandboxed evaluator), as plain data: the exception's type
    name and message, and where it was raised (the student's file, line and that line's text)."""

    def __init__(self, type_name: str, message: str, file: str | None = None, line: int | None = None,
                 text: str = ""):
        super().__init__(message)
        self.type_name, self.message, self.file, self.line, self.text = type_name, message, file, line, text

    def __str__(self) -> str:
        return self.message


class NotImplementedYet(CheckFailure):
    """A stub was called: the method still raises NotImplementedError."""


class CannotLoad(CheckFailure):
    """The exercise file is missing, does not import, or lacks the contract's class."""


class StudentCodeError(CheckFailure):
    """Student code raised an exception (or called sys.exit)."""


class StudentTimeout(CheckFailure):
    """Student code did not return in time (an infinite loop?)."""


def remembers_case(check: Callable[..., None]) -> Callable[..., None]:
    """A check `check(impl, case, ...)` whose failures carry the case, so a crash can be diagnosed on it."""

    @functools.wraps(check)
    def wrapper(impl: Any, case: object, *args: Any, **kwargs: Any) -> None:
        try:
            check(impl, case, *args, **kwargs)
        except CheckFailure as failure:
            if failure.case is None:
                failure.case = case
            raise

    return wrapper


@dataclasses.dataclass
class Skipped:
    """A graded test's examples so far: the first skipped because forward's output could not be used (what the test
    reports if no example could be judged at all), and how many were skipped and judged."""

    first: CheckFailure | None = None
    skipped: int = 0
    judged: int = 0


# Set per test by the grading plugin (`gradkit.checker.grading`).
UNJUDGED: ContextVar[Skipped | None] = ContextVar("gradkit_unjudged", default=None)
# Once GIVE_UP_AFTER + SKIPS_PER_JUDGED x judged examples were skipped (about 99% sure that fewer than one case in ten
# can be judged), the rest are skipped without running your code: hypothesis itself tries until it is as sure of
# one in a hundred, thousands of runs of a forward that cannot be used. The test's verdict is that of the cases judged.
GIVE_UP_AFTER = 50
SKIPS_PER_JUDGED = 10


def judged_where_possible(check: Callable[..., None]) -> Callable[..., None]:
    """A check of backward (or of state across calls) that skips an example on which forward's output cannot be used.

    One mistake, one charge: a forward of the wrong output size on some cases (say, padding forgotten) costs the
    forward's tests; the backward's tests judge the cases where forward works. Under hypothesis the example is
    rejected (the plugin fails the test if no example could be judged: backward is never scored unseen); called
    anywhere else the failure propagates as it is."""

    @functools.wraps(check)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        in_test = currently_in_test_context()
        seen = UNJUDGED.get() if in_test else None
        if seen is not None and seen.skipped >= GIVE_UP_AFTER + SKIPS_PER_JUDGED * seen.judged:
            reject()
        try:
            check(*args, **kwargs)
        except CheckFailure as failure:
            if not failure.unusable_forward or not in_test:
                if seen is not None:
                    seen.judged += 1
                raise
            if seen is not None:
                seen.first = seen.first or failure
                seen.skipped += 1
            reject()
        if seen is not None:
            seen.judged += 1

    return wrapper
