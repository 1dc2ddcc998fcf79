"""gradkit's grader: checks a student's layers against finite differences and the layer contract.

The library is pure (no pytest); `plugin.py` (the entry point) and `grading.py` (the hooks of a grading
run) are the only pytest glue. Every check is a function that raises `checker.results.CheckFailure` with
a message a student can act on.
"""

from gradkit.checker.impl import Implementation, load_implementation
from gradkit.checker.specs import EXERCISES, Exercise
from gradkit.checker.results import CheckFailure, NotImplementedYet, StudentCodeError, StudentTimeout

__all__ = [
    "EXERCISES",
    "CheckFailure",
    "Exercise",
    "Implementation",
    "NotImplementedYet",
    "StudentCodeError",
    "StudentTimeout",
    "load_implementation",
]
