"""Calling student code: every way it can go wrong becomes one short `CheckFailure`.

Student code may raise, call `sys.exit`, loop forever or print warnings. `call` turns each into
a message that names the method, the file and the line, so one broken method fails only the
checks that use it. A wall-time budget (`time_budget`) bounds a whole test: once one call has
used it up, every later call in that test fails at once, so hypothesis does not spend minutes
re-running an infinite loop while it shrinks.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import inspect
import os
import signal
import _signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from gradkit.checker.results import NotImplementedYet, RemoteError, StudentCodeError, StudentTimeout

DEFAULT_CALL_SECONDS = 20.0


@dataclasses.dataclass
class _Budget:
    deadline: float
    expired: bool = False


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("gradkit_budget", default=None)


class _Alarm(BaseException):
    """Raised inside student code by SIGALRM. A BaseException, so `except Exception:` cannot swallow it."""


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Give all student calls made inside the block `seconds` of wall time in total."""
    token = _budget.set(_Budget(deadline=time.monotonic() + seconds))
    try:
        yield
    finally:
        _budget.reset(token)


def display_path(path: str | os.PathLike[str]) -> str:
    """`path` relative to the working directory when it lies below it (as a student would type it)."""
    path = os.fspath(path)
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


def method_label(obj: Any, method: str) -> tuple[str, str]:
    """("Conv2D.backward", "exercises/conv.py") for a bound method of a student object."""
    if isinstance(obj, type) and method == "__call__":  # constructing a student class
        label = f"{obj.__name__}.__init__"
        func = getattr(obj, "__init__", None)
    else:
        label = f"{type(obj).__name__}.{method}"
        func = getattr(type(obj), method, None)
    owner = obj if isinstance(obj, type) else type(obj)
    source = getattr(owner, "__student_file__", None)  # a class whose code runs elsewhere (the sandbox) names it
    if source is None:
        try:
            source = inspect.getsourcefile(func) if func is not None else inspect.getsourcefile(owner)
        except TypeError:
            source = None
    return label, display_path(source) if source else "?"


def construct(cls: type, *args: Any, **kwargs: Any) -> Any:
    """Build a student object: `cls(*args, **kwargs)`, guarded like `call`."""
    return call(cls, "__call__", *args, **kwargs)


def call(obj: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call `obj.method(*args, **kwargs)` as student code; return its result or raise a `CheckFailure`.

    The method's name and file are looked up only for a message (a sandboxed grading makes some 15,000 calls)."""
    budget = _budget.get()
    if budget is not None and budget.expired:
        label, where = method_label(obj, method)
        raise StudentTimeout(f"{label} timed out earlier in this test ({where}); not run again")
    seconds = DEFAULT_CALL_SECONDS if budget is None else max(budget.deadline - time.monotonic(), 0.001)
    try:
        with _alarm_after(seconds), np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(obj, method)(*args, **kwargs)
    except _Alarm:
        if budget is not None:
            budget.expired = True
        label, where = method_label(obj, method)
        raise StudentTimeout(
            f"{label} did not return within {seconds:.0f} s ({where}): an infinite loop, "
            "or Python loops over every pixel? Vectorise with NumPy."
        ) from None
    except NotImplementedError as error:
        label, where = method_label(obj, method)
        hint = str(error).strip()
        message = f"not implemented yet: {where} {label}"
        raise NotImplementedYet(message + (f" ({hint})" if hint else "")) from None
    except SystemExit as error:
        label, where = method_label(obj, method)
        raise StudentCodeError(f"{label} called sys.exit({error.code!r}) ({where}); never exit from a layer") from None
    except Exception as error:  # noqa: BLE001 - any exception in student code is the student's to fix
        raise StudentCodeError(_describe_exception(method_label(obj, method)[0], error, obj)) from None


def _describe_exception(label: str, error: BaseException, obj: Any) -> str:
    """`Conv2D.forward raised IndexError: ... at exercises/conv.py:42: out[n] = ...`."""
    try:
        student_file = inspect.getsourcefile(obj if isinstance(obj, type) else type(obj)) or ""
    except TypeError:
        student_file = ""
    frames = traceback.extract_tb(error.__traceback__)
    in_student = [f for f in frames if os.path.abspath(f.filename) == os.path.abspath(student_file)]
    frame = (in_student or frames)[-1] if frames else None
    name = type(error).__name__
    if isinstance(error, RemoteError):  # raised in the sandbox: the evaluator said where, as plain data
        name, frame = error.type_name, None
        if error.file and error.line:
            frame = traceback.FrameSummary(error.file, error.line, label, lookup_line=False, line=error.text)
    text = f"{label} raised {name}: {error}"
    if frame is not None:
        text += f"\n  at {display_path(frame.filename)}:{frame.lineno}: {(frame.line or '').strip()}"
    if (isinstance(error, ValueError) or name == "ValueError") and any(word in str(error) for word in SHAPE_ERRORS):
        text += "\n" + SHAPE_HINT
    return text


# The general hint for a shape error; a crash diagnosis that finds the cause replaces it (grading.py).
SHAPE_HINT = ("  hint: the shapes in this line do not fit together; write each array's shape beside it (the contract "
              "gives them) and check which axes each product, reshape or broadcast keeps")
# Words of NumPy's errors for arrays whose shapes do not fit (matmul, broadcasting, reshape).
SHAPE_ERRORS = ("mismatch in its core dimension", "could not be broadcast", "shapes", "cannot reshape")


@contextlib.contextmanager
def _alarm_after(seconds: float) -> Iterator[None]:
    """Raise `_Alarm` in this thread after `seconds` (only possible in the main thread on POSIX)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    # _signal: signal.signal's own module, without its enum conversions (a grading makes some 15,000 calls).
    previous = _signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _signal.signal(signal.SIGALRM, previous)


def _on_alarm(signum: int, frame: object) -> None:
    raise _Alarm()


if sys.platform == "win32":  # pragma: no cover - documented limitation
    DEFAULT_CALL_SECONDS = float("inf")
