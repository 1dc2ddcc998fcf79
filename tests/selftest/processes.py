"""The processes below a process, from /proc (Linux): what a killed grader must not leave running."""

from __future__ import annotations

import os
import time


def descendants(pid: int) -> set[int]:
    """Every process below `pid` now (children are listed by the thread that made them)."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as handle:
                    children = [int(c) for c in handle.read().split()]
            except (OSError, ValueError):
                continue
            found.update(children)
            todo += children
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of `pids` still running (a zombie has ended)."""
    running = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] != "Z":
                    running.add(pid)
        except (OSError, IndexError):
            pass
    return running


def command(pid: int) -> str:
    """The command line of `pid` ("" once it has ended)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def survivors(pids: set[int], seconds: float) -> dict[int, str]:
    """Those of `pids` still running after up to `seconds`, with the start of their command lines."""
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return {pid: command(pid)[:160] for pid in alive(pids)}


def kill(pids: set[int]) -> None:
    for pid in alive(pids):
        try:
            os.kill(pid, 9)
        except OSError:
            pass
