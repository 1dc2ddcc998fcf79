"""Every process grading starts ends with the process that started it.

A grader killed outright (a Dask worker SIGKILLed by its nanny or the OOM killer, a Ctrl-C'd `grade-all`) runs no
clean-up, and a grading process in a session of its own is no longer in any group its parent's killer reaches. So
each one asks the kernel (PR_SET_PDEATHSIG) for SIGKILL when its parent ends: the grading process when the grader
or the zygote that forked it ends, the evaluator when its grading process ends. The zygote itself is not a fork of
one thread, so it watches its parent's pid instead (`zygote.serve`).
"""

from __future__ import annotations

import os
import signal
import sys

PR_SET_PDEATHSIG = 1
# Set by the grader for a grading process it starts as a new `python -m pytest`: that process's expected parent.
PARENT_VARIABLE = "GRADKIT_GRADER_PID"


def end_with_parent(parent: int | None) -> None:
    """Be killed when our parent ends (to the kernel, the thread that started us: a thread that waits for us, so
    the two end together); exit at once if the parent, pid `parent` (None: not checked), already has."""
    if sys.platform != "linux":
        return
    from gradkit.batch.sandbox import _prctl

    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:  # it ended before the line above
        os._exit(1)


def end_with_grader() -> None:
    """In a grading process started as a new process: end with the grader named in the environment, if any."""
    parent = os.environ.get(PARENT_VARIABLE, "")
    if parent.isdigit():
        end_with_parent(int(parent))
