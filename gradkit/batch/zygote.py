"""A grading parent started once, with the grader imported, that forks one grading process per submission.

A new `python -m pytest` for each submission spent about a second of CPU before its first check: the interpreter,
then importing pytest, hypothesis, NumPy, the checker and the sandbox's grader side, then probing bubblewrap. The
zygote (``python -P -m gradkit.batch.zygote FD``) does that once; then, for each request, it forks a child that
runs ``pytest.main(args)`` in the submission's working directory and environment, with its output in a file, as
the command line did (`submission.pytest_args`).

Isolation is unchanged. The zygote is the grader's own code: it never receives a submission's files and runs no
student code; it holds only what it imported before its first request, and never changes after that (children
change their own copies). Each child grades one submission and exits, and reaches student code only through its
own sandboxed evaluator, a new process made by bubblewrap, never a fork of anything that graded someone else. A
child runs in a session of its own, as the command did, so a submission over its wall time has its process group
killed.

The grading process sends each request as one message over a socket pair; the reply names the child and carries a
pidfd for it, a handle on that very process, so waiting for it and killing it can never reach a later process that
reused its number. One zygote per process (`fork`) serves every thread, and is replaced when the kit's code or the
environment asked for is not the one it started with. Where a zygote cannot run (no pidfd: not Linux, or Linux < 5.3;
``GRADKIT_NO_ZYGOTE`` set), `fork` returns None and the caller starts a process as before.
"""

from __future__ import annotations

import gc
import importlib
import importlib.metadata
import importlib.util
import json
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gradkit import layout
from gradkit.batch import lifetime

START_SECONDS = 120.0
MAX_MESSAGE = 1 << 20
# Modules a grading process imports, with pytest's own plugins (named in `_pytest.config`) and its installed ones.
PRELOAD = ("numpy", "pytest", "hypothesis", "_hypothesis_pytestplugin")
BLOCKED_PLUGINS = ("cacheprovider", "xdist", "benchmark", "unraisableexception")  # `submission.pytest_args`
# Variables that name the run's scratch folders, set per child: they never require a new zygote.
PER_CHILD = ("TMPDIR", "TEMP", "TMP")


def available() -> bool:
    return (sys.platform == "linux" and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")
            and hasattr(signal, "pidfd_send_signal") and not os.environ.get("GRADKIT_NO_ZYGOTE"))


class Child:
    """One forked grading process: wait for it, or kill its process group."""

    def __init__(self, pid: int, pidfd: int):
        self.pid, self.pidfd = pid, pidfd

    def wait(self, seconds: float | None) -> bool:
        """True once the process has ended; False if it still runs after `seconds`."""
        ready, _, _ = select.select([self.pidfd], [], [], seconds)
        return bool(ready)

    def kill(self) -> None:
        """Kill its process group (the process leads it) and wait for the process to end."""
        if not self.wait(0):  # alive, so its number still names its group
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.wait(None)

    def close(self) -> None:
        os.close(self.pidfd)


class Zygote:
    """The grading process's end of one zygote."""

    def __init__(self, key: tuple, env: dict[str, str]):
        self.key, self.owner = key, os.getpid()
        self.lock = threading.Lock()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-P", "-m", "gradkit.batch.zygote", str(theirs.fileno())], pass_fds=(theirs.fileno(),),
                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        self.socket = ours
        ours.settimeout(START_SECONDS)
        try:
            ready = json.loads(ours.recv(MAX_MESSAGE) or b"{}")
        except (OSError, ValueError):
            ready = {}
        ours.settimeout(None)
        if not ready.get("ready"):
            ours.close()
            self.process.kill()
            self.process.wait()
            raise OSError("the grading zygote did not start")

    def fork(self, args: Sequence[str], *, cwd: Path, env: dict[str, str], output: Path) -> Child:
        """Start `pytest.main(args)` in a new child; its stdout and stderr go to `output`."""
        request = json.dumps({"args": list(args), "cwd": str(cwd), "env": env, "output": str(output)}).encode()
        if len(request) > MAX_MESSAGE:
            raise OSError("a request too large for the grading zygote")
        with self.lock:
            self.socket.send(request)  # one message (SOCK_SEQPACKET): all of it or an error
            data, fds, _, _ = socket.recv_fds(self.socket, MAX_MESSAGE, 1)
        reply = json.loads(data or b"{}")
        if not fds or not isinstance(reply.get("pid"), int):
            for fd in fds:
                os.close(fd)
            raise OSError(f"the grading zygote could not fork: {reply.get('error', 'it ended')}")
        return Child(reply["pid"], fds[0])

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """Let the zygote go: it exits once the children still grading (another thread's) have finished."""
        self.socket.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass  # still waiting for a child; killing it would kill that grading (`lifetime`)


class _Shared:
    """The process's zygote, started on first use and replaced when what it imported may have changed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.zygote: Zygote | None = None
        self.failed: tuple | None = None  # the key a zygote failed to start for (not tried again)

    def get(self, env: dict[str, str]) -> Zygote | None:
        """The zygote for children with environment `env`."""
        base = {k: v for k, v in env.items() if k not in PER_CHILD}
        key = _key(base)
        with self.lock:
            if self.zygote is not None and self.zygote.owner != os.getpid():
                self.zygote.socket.close()  # a forked copy of its owner: the zygote serves the owner only
                self.zygote = None
            if self.zygote is not None and (self.zygote.key != key or not self.zygote.alive()):
                self.zygote.close()
                self.zygote = None
            if self.zygote is None and self.failed != key:
                try:
                    self.zygote = Zygote(key, base)
                except OSError:
                    self.failed = key
            return self.zygote


_SHARED = _Shared()  # one per process, like multiprocessing's forkserver: threads and later runs share it


def fork(args: Sequence[str], *, cwd: Path, env: dict[str, str], output: Path) -> Child | None:
    """`pytest.main(args)` in a fork of this process's zygote, or None where no zygote can run."""
    if not available():
        return None
    zygote = _SHARED.get(env)
    if zygote is None:
        return None
    try:
        return zygote.fork(args, cwd=cwd, env=env, output=output)
    except OSError:
        return None


def _key(env: dict[str, str]) -> tuple:
    """What a zygote's imports depend on: the interpreter, the environment, the kit's code (sizes, times)."""
    folders = [layout.PACKAGE, layout.checker_dir(), layout.solutions_dir()]
    stamp = []
    for folder in folders:
        if folder is not None and folder.is_dir():
            for path in sorted(folder.rglob("*.py")):
                try:
                    info = path.stat()
                except OSError:
                    continue
                stamp.append((str(path), info.st_mtime_ns, info.st_size))
    return sys.executable, tuple(sorted(env.items())), tuple(stamp)


# ---- the zygote's side -----------------------------------------------------------------------------
def preload() -> None:
    """Import the standard and third-party modules every grading process imports, and find out once whether
    bubblewrap works here.

    Never a local module, the kit's own included: hypothesis draws constants from the source of the local modules
    loaded when it generates an example, so a child loads them when a new process would, and generates the same
    examples. (The zygote's own local modules, its `__main__` aside, a grading process imports before any test.)
    """
    import _pytest.config
    from hypothesis.internal.constants_ast import is_local_module_file

    from gradkit.batch import namespaces

    names = [*PRELOAD, *(f"_pytest.{p}" for p in _pytest.config.default_plugins),
             *(e.module for e in importlib.metadata.entry_points(group="pytest11") if e.name not in BLOCKED_PLUGINS)]
    for name in names:
        try:
            spec = importlib.util.find_spec(name.partition(".")[0])
            if spec is None or spec.origin is None or is_local_module_file(spec.origin):
                continue
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that does not import here is imported (or not) by the child
            pass
    if namespaces.status()[0]:
        namespaces._view_cached()
    # What is imported now lives as long as every child: the garbage collector need never walk it there (nor
    # touch, and so copy, its pages).
    gc.collect()
    gc.freeze()


def serve(channel: socket.socket, owner: int) -> None:
    """Fork a child for each request until the grading process, pid `owner`, closes its end; then wait for the
    children still grading, unless the grading process has ended (each child is killed as the zygote exits)."""
    while os.getppid() == owner:  # an owner killed outright is noticed within the second
        ready, _, _ = select.select([channel], [], [], 1.0)
        _reap()
        if not ready:
            continue
        try:
            data = channel.recv(MAX_MESSAGE)
        except OSError:
            data = b""
        if not data:
            _drain(owner)
            return
        try:
            request = json.loads(data)
            parent = os.getpid()
            pid = os.fork()
        except (ValueError, OSError) as error:
            channel.send(json.dumps({"error": str(error)[:200]}).encode())
            continue
        if pid == 0:
            code = 70
            try:
                channel.close()
                lifetime.end_with_parent(parent)
                code = _grade(request)
            except BaseException:  # noqa: BLE001 - whatever happens, the child ends here, never in this loop
                traceback.print_exc()
            finally:
                _flush()
                os._exit(code)
        pidfd = os.pidfd_open(pid)
        try:
            socket.send_fds(channel, [json.dumps({"pid": pid}).encode()], [pidfd])
        finally:
            os.close(pidfd)


def _grade(request: dict[str, Any]) -> int:
    """In the child: become the command line's process (session, streams, folder, environment), run pytest."""
    import pytest
    from hypothesis.configuration import set_hypothesis_home_dir

    os.setsid()
    output = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    os.close(nothing)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.pop(lifetime.PARENT_VARIABLE, None)  # this process's parent is the zygote, which it ends with
    tempfile.tempdir = None  # read $TMPDIR again: the child's scratch lies in its submission's temporary folder
    # Where a new process would have kept hypothesis's files: in its working directory, unless told otherwise.
    if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        set_hypothesis_home_dir(Path.cwd() / ".hypothesis")
    # Not a module hypothesis would take constants from (the command line's __main__ was pytest's, not local).
    sys.modules["__main__"] = types.ModuleType("__main__")

    return int(pytest.main(list(request["args"])))


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def _reap() -> bool:
    """Collect the children that have ended; True while some still run."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True


def _drain(owner: int) -> None:
    """Wait for the children still grading (a zygote replaced mid-run) while the grading process lives."""
    while _reap() and os.getppid() == owner:
        time.sleep(0.2)


def main(argv: list[str]) -> None:
    owner = os.getppid()
    channel = socket.socket(fileno=int(argv[0]))
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # like every grading process: no core dump, anywhere
    except (ValueError, OSError):
        pass
    preload()
    channel.send(json.dumps({"ready": True}).encode())
    serve(channel, owner)


if __name__ == "__main__":
    main(sys.argv[1:])
