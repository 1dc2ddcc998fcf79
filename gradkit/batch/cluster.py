"""`grade-all --scheduler ADDRESS`: grade on an existing Dask cluster, one task per submission.

Only plain data crosses to a worker: the submission's files as bytes (workers need not share a filesystem
with the client), the limits and the course as dicts, and what the grading code must be; a task returns
`StudentResult.to_dict()`. The worker writes the files into a temporary folder and calls the same
`grade_submission` a local run calls, so the sandboxed evaluator and every limit apply there unchanged. The
client alone writes the store and grades.csv (`scheduler.grade_all`).

Every worker must grade with the same code and tests as a local run here: `identity` (gradkit's version
and a digest of the grading code, the reference and the test files) is compared when connecting
(`client.run`, every worker present) and again inside each task (a worker that joined later). The
scheduler unpickles the tasks, so it must import the same gradkit too (`version`, when connecting).

Dask is imported only here, and only when a cluster run connects: a local run imports none.
"""

from __future__ import annotations

import hashlib
import os
import socket
import stat
import tempfile
import uuid
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import Any

from gradkit import __version__, layout
from gradkit.batch.limits import Limits
from gradkit.batch.submission import ERROR, StudentResult, grade_submission, test_files
from gradkit.checker.course import Course, from_settings
from gradkit.checker.impl import MAX_SOURCE_BYTES
from gradkit.checker.specs import EXERCISES
from gradkit.errors import UserError

CONNECT_SECONDS = 30.0  # reaching the scheduler
WORKERS_SECONDS = 120.0  # until the first worker has joined (a batch system may take a while to start one)
INSTALL = 'pip install "gradkit[dask]"'

# One packed file: ["file", bytes] | ["link"] | ["special"] | ["large"] (a missing file is left out).
Packed = dict[str, list[Any]]


def pack(folder: Path) -> Packed:
    """{file name: entry} for every exercise file the kit knows, as `checker.impl.read_source` would find it:
    a regular file's bytes (at most MAX_SOURCE_BYTES are read), else only what kind of thing is there, so the
    worker can set up the same problem ("is a symbolic link", ...) without the client ever following it. A
    file this process cannot read is left out (graded as missing)."""
    packed: Packed = {}
    for name in sorted({exercise.file for exercise in EXERCISES.values()}):
        path = folder / name
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISLNK(info.st_mode):
            packed[name] = ["link"]
        elif not stat.S_ISREG(info.st_mode):
            packed[name] = ["special"]
        elif info.st_size > MAX_SOURCE_BYTES:
            packed[name] = ["large"]
        else:
            data = _read_regular(path)
            if data is not None:
                packed[name] = ["large"] if len(data) > MAX_SOURCE_BYTES else ["file", data]
    return packed


def _read_regular(path: Path) -> bytes | None:
    """At most MAX_SOURCE_BYTES + 1 bytes of a regular file, never through a link or from a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, size = [], 0
        while size <= MAX_SOURCE_BYTES:
            chunk = os.read(fd, MAX_SOURCE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def unpack(packed: Packed, folder: Path) -> None:
    """Write `pack`'s entries into `folder` (which exists): the bytes, or a thing `read_source` refuses the
    same way (a dangling link, a folder, a sparse file one byte over the size limit)."""
    known = {exercise.file for exercise in EXERCISES.values()}
    for name, entry in packed.items():
        if name not in known:
            raise ValueError(f"not an exercise file: {name!r}")
        path = folder / name
        kind = entry[0]
        if kind == "file":
            path.write_bytes(entry[1])
        elif kind == "link":
            os.symlink("not-shipped", path)
        elif kind == "special":
            path.mkdir()
        elif kind == "large":
            with path.open("wb") as handle:
                handle.truncate(MAX_SOURCE_BYTES + 1)
        else:
            raise ValueError(f"unknown kind of packed file: {kind!r}")


def _digest_tree(hasher: Any, label: str, root: Path | None, pattern: str = "*") -> None:
    if root is None or not root.is_dir():
        hasher.update(f"{label}: none\n".encode())
        return
    for path in sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        hasher.update(f"{label}/{path.relative_to(root).as_posix()}\n".encode())
        hasher.update(hashlib.sha256(path.read_bytes()).digest())


def identity(include_hidden: bool, course: Mapping[str, Any]) -> dict[str, Any]:
    """What a grade here depends on besides the submission and the limits: gradkit's version, and a digest of
    the grading code (gradkit/batch, the checker), the reference it judges against (absent from a wheel) and
    the test files `course` runs. Equal on two machines means they grade alike."""
    files = test_files(include_hidden, from_settings(dict(course), "the course grade-all sent"))
    hasher = hashlib.sha256()
    _digest_tree(hasher, "batch", layout.PACKAGE / "batch", "*.py")
    _digest_tree(hasher, "checker", layout.checker_dir())
    _digest_tree(hasher, "reference", layout.solutions_dir(), "*.py")
    for path in files:
        hasher.update(f"test/{path.name}\n".encode())
        hasher.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"missing")
    return {"gradkit": __version__, "suite": hasher.hexdigest()[:16], "tests": len(files)}


def _described(found: Mapping[str, Any]) -> str:
    return f"gradkit {found.get('gradkit')}, {found.get('tests')} test files, suite {found.get('suite')}"


def mismatch(where: str, theirs: Mapping[str, Any], ours: Mapping[str, Any]) -> str | None:
    """One line saying how the gradkit at `where` differs from this one (None if it does not)."""
    if dict(theirs) == dict(ours):
        return None
    hidden = " (the hidden tests and the reference need the instructor's source there)" \
        if theirs.get("tests") != ours.get("tests") else ""
    return (f"{where} grades with other code or tests ({_described(theirs)}) than here ({_described(ours)}): "
            f"install the same gradkit on every worker{hidden}")


def grade_task(student: str, place: list[str], packed: Packed, limits: dict[str, Any], course: dict[str, Any],
               include_hidden: bool, expected: dict[str, Any]) -> dict[str, Any]:
    """Run on a worker: grade one submission exactly as a local run would; returns `StudentResult.to_dict()`.

    `place` is the submission folder's path below the submissions folder (["alice"], or ["alice", "hw1"] with
    --subfolder); it is rebuilt below a temporary folder, so messages name files as a local run does.
    """
    problem = mismatch(f"the Dask worker on {socket.gethostname()} (pid {os.getpid()})",
                       identity(include_hidden, course), expected)
    if problem:
        raise RuntimeError(problem)
    if not place or any(part in ("", ".", "..") or "/" in part or "\\" in part for part in place):
        raise ValueError(f"not a folder below the submissions folder: {place!r}")
    graded = from_settings(course, "the course grade-all sent")
    with tempfile.TemporaryDirectory(prefix="gradkit-task-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp).joinpath(*place)
        folder.mkdir(parents=True)
        unpack(packed, folder)
        result = grade_submission(folder, limits=Limits.from_dict(limits), files=test_files(include_hidden, graded),
                                  student=student, course=graded)
    return result.to_dict()


def connect(address: str) -> Any:
    """A Dask client of the scheduler at `address` with at least one worker, or a one-line UserError."""
    try:
        from distributed import Client
        from distributed.comm import parse_address
        from distributed.comm.registry import get_backend
    except ImportError:
        raise UserError(f"--scheduler needs Dask here and on the workers: {INSTALL}") from None
    try:  # before Client: one given a bad address hangs for twice its timeout when it is collected
        scheme, location = parse_address(address)
        get_backend(scheme)
        if not location:
            raise ValueError("no host")
    except ValueError as error:
        raise UserError(f"--scheduler {address}: {error}; a scheduler's address looks like tcp://HOST:8786") from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise UserError(f"cannot reach the Dask scheduler at {address}: {one_line(error)}") from None
    try:
        try:  # the scheduler unpickles every task, so it must import gradkit too
            theirs = client.run_on_scheduler(version)
        except Exception as error:  # noqa: BLE001 - whatever the scheduler's environment raised
            theirs = f"none ({one_line(error)})"
        if theirs != __version__:
            raise UserError(f"the Dask scheduler at {address} has gradkit {theirs}, not {__version__}: install the "
                            f"same gradkit there as on the workers ({INSTALL})")
        try:
            client.wait_for_workers(1, timeout=WORKERS_SECONDS)
        except (OSError, TimeoutError):
            raise UserError(f"no Dask worker joined the scheduler at {address} within {WORKERS_SECONDS:g} s") from None
    except BaseException:
        client.close()
        raise
    return client


def version() -> str:
    """gradkit's version where this runs (the scheduler)."""
    return __version__


def one_line(error: BaseException) -> str:
    """The error's type and the first line of its message (Dask's span several; Dask wraps what a worker failed
    to unpickle in a bare Exception, whose message already names the type)."""
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else ""
    return text if type(error) is Exception and text else f"{type(error).__name__}: {text}".rstrip(": ")


def check_workers(found: Mapping[str, Any], ours: Mapping[str, Any]) -> None:
    """A one-line UserError unless every worker's `identity` (or the error it raised) equals `ours`."""
    for worker, theirs in sorted(found.items()):
        if isinstance(theirs, BaseException):
            raise UserError(f"the Dask worker {worker} cannot grade ({one_line(theirs)}): "
                            f"install gradkit {__version__} there ({INSTALL})")
        problem = mismatch(f"the Dask worker {worker}", theirs, ours)
        if problem:
            raise UserError(problem)


def lost(student: str, why: str) -> StudentResult:
    """The result of a submission the cluster lost (its workers kept dying): an error without a fingerprint,
    so the next run grades it again."""
    return StudentResult(student, ERROR, [], f"the cluster lost this submission ({why}); run grade-all again "
                         "to grade it")


def graded_on(address: str, folders: Mapping[str, Path], submissions: Path, limits: Limits, course: Course,
              include_hidden: bool) -> Generator[StudentResult, None, None]:
    """Grade `folders` ({student: folder below `submissions`}) on the Dask cluster at `address`, one task per
    submission; yields each result as it arrives. A worker that dies mid-task loses nothing: the scheduler
    runs the task again elsewhere (up to its `allowed-failures`; then the student gets `lost`)."""
    if not folders:
        return
    client = connect(address)
    try:
        from distributed import KilledWorker, as_completed

        ours = identity(include_hidden, course.to_dict())
        check_workers(client.run(identity, include_hidden, course.to_dict(), on_error="return"), ours)
        # Keys unique per run: Dask must never answer a submission with another run's result.
        futures = {client.submit(grade_task, student, list(folder.relative_to(submissions).parts), pack(folder),
                                 limits.to_dict(), course.to_dict(), include_hidden, ours,
                                 key=f"gradkit-grade-{student}-{uuid.uuid4().hex}", pure=False): student
                   for student, folder in folders.items()}
        for future in as_completed(futures, loop=client.loop):
            student = futures[future]
            if future.status == "finished":
                yield StudentResult.from_dict(future.result())
            elif future.status == "error" and isinstance(future.exception(), KilledWorker):
                killed = future.exception()
                yield lost(student, f"{killed.allowed_failures + 1} workers died while grading it, the last "
                                    f"{getattr(killed.last_worker, 'address', '?')}")
            elif future.status == "error":
                raise UserError(f"grading {student} on the cluster failed: {one_line(future.exception())}")
            else:
                raise UserError(f"lost the Dask scheduler at {address} ({student}: {future.status}); the grades "
                                "that arrived are stored: run grade-all again for the rest")
            future.release()
    finally:
        client.close()
