"""Resource limits for grading one submission: what the sandboxed evaluator and the grading run may use."""

from __future__ import annotations

import dataclasses
import resource
from typing import Any


@dataclasses.dataclass(frozen=True)
class Limits:
    """Budgets for one submission.

    The evaluator (the only process that runs student code) gets `cpu_seconds` of CPU time and
    `memory_mb` of address space per process; one call of a student method gets `call_seconds`
    of wall time (the graded inputs are tiny: the reference needs milliseconds); every graded test
    gets `test_seconds` in total (pytest's `--gradkit-time-limit`); all calls of the submission together get
    `budget_seconds` (a call gets at most what is left; once it is used up, the remaining calls fail at
    once and the tests they cut are reported), so no submission holds a worker much longer than an honest
    one; the whole submission gets `wall_seconds`, after which its process group is killed and it fails
    with that reason.
    """

    cpu_seconds: int = 300
    memory_mb: int = 2048
    call_seconds: float = 10.0
    test_seconds: float = 60.0
    wall_seconds: float = 900.0
    budget_seconds: float = 120.0  # all calls of student code together (the reference needs a few seconds)
    file_mb: int = 16
    max_restarts: int = 40  # evaluator restarts per submission (after crashes and timeouts)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Limits:
        fields = {f.name: f.type for f in dataclasses.fields(cls)}
        return cls(**{k: (float(v) if "float" in str(fields[k]) else int(v)) for k, v in data.items() if k in fields})


def set_process_limits(limits: Limits) -> None:
    """Apply the per-process rlimits to the calling process (the evaluator calls this on itself).

    RLIMIT_CPU kills a busy loop even when the wall-time watchdog is somehow missed; RLIMIT_AS turns
    a huge allocation into a MemoryError instead of swapping the grading machine; RLIMIT_FSIZE and
    RLIMIT_CORE keep the disk clean; RLIMIT_NPROC blocks fork bombs for non-root users (the
    seccomp filter blocks them for everyone).
    """
    def cap(kind: int, value: int) -> None:
        _, hard = resource.getrlimit(kind)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):  # a limit this system does not let us set (RLIMIT_AS on macOS)
            pass

    cap(resource.RLIMIT_CPU, int(limits.cpu_seconds))
    cap(resource.RLIMIT_AS, int(limits.memory_mb) * 2**20)
    cap(resource.RLIMIT_FSIZE, int(limits.file_mb) * 2**20)
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_NOFILE, 64)
    cap(resource.RLIMIT_NPROC, 0)
