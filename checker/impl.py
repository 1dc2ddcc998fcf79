"""Selecting an implementation: `exercises`, `solutions`, or a folder holding the exercise files.

This is the only module that imports student code. A file that fails to import fails only the
exercise it belongs to: the error is kept and raised as a `CheckFailure` when a check asks for
that exercise's class.

Every grader reads a student file the same way, with `read_source` (the sandboxed `grade-all` too):
`lstat` first (a symbolic link, FIFO or device is refused unopened), at most `MAX_SOURCE_BYTES`,
UTF-8 with or without a byte-order mark, no coding cookie naming another encoding; the text is
compiled and run as it is (never a `.pyc` from `__pycache__`). While student code runs here, no
other module can be imported from the student's folder (`_FolderGuard`): only the exercise files.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.abc
import importlib.util
import os
import re
import stat
import sys
import traceback
from pathlib import Path
from types import ModuleType

from gradkit.checker.guard import display_path
from gradkit.checker.specs import EXERCISES, Exercise
from gradkit.checker.results import CannotLoad, CheckFailure

PACKAGES = ("exercises", "solutions")
MAX_SOURCE_BYTES = 2 * 2**20
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_UTF8_NAMES = {"utf-8", "utf8", "utf_8", "utf-8-sig", "utf_8_sig", "u8"}


def read_source(path: str | os.PathLike) -> tuple[str | None, str, str]:
    """(text or None, problem, sha256 of the bytes) of one student file, read the one way every grader reads it.

    The problem is "" when the text is usable, "missing" when there is no file, else one line saying
    why it is not graded (a symbolic link, not a regular file, too large, not UTF-8, another coding).
    """
    path = os.fspath(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None, "missing", ""
    except OSError as error:
        return None, f"cannot be read ({error.strerror})", ""
    if stat.S_ISLNK(info.st_mode):
        return None, "is a symbolic link (hand in the file itself; links are not graded)", ""
    if not stat.S_ISREG(info.st_mode):
        return None, "is not a regular file (a FIFO, device or folder is not graded)", ""
    if info.st_size > MAX_SOURCE_BYTES:
        return None, f"is larger than {MAX_SOURCE_BYTES // 2**20} MiB", ""
    try:  # O_NONBLOCK: a file swapped for a FIFO after the lstat cannot block us
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        return None, f"cannot be read ({error.strerror})", ""
    try:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino) or not stat.S_ISREG(opened.st_mode):
            return None, "changed while it was being read", ""
        chunks, size = [], 0
        while size <= MAX_SOURCE_BYTES:
            chunk = os.read(fd, MAX_SOURCE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_SOURCE_BYTES:
        return None, f"is larger than {MAX_SOURCE_BYTES // 2**20} MiB", ""
    digest = hashlib.sha256(data).hexdigest()
    for line in data.removeprefix(b"\xef\xbb\xbf").splitlines()[:2]:
        found = _COOKIE.match(line)
        if found and found.group(1).decode("ascii", "replace").lower() not in _UTF8_NAMES:
            return None, f"declares the encoding {found.group(1).decode('ascii', 'replace')!r}; save it as UTF-8", digest
    try:
        return data.decode("utf-8-sig"), "", digest  # a byte-order mark (Windows Notepad) is fine
    except UnicodeDecodeError as error:
        return None, f"is not UTF-8 text ({error.reason} at byte {error.start})", digest


class Implementation:
    """The classes of one implementation, as attributes: `impl.Conv2D`, `impl.MaxPool2D`, ...

    Any exercise the kit knows can be looked up (which ones are graded is the course's business, not the
    loader's); looking up a class whose file is missing or does not import raises a `CheckFailure`.
    """

    def __init__(self, spec: str, folder: Path, package: str | None):
        self.spec = spec
        self.folder = folder
        self._package = package
        self._modules: dict[str, ModuleType | CannotLoad] = {}

    def __repr__(self) -> str:
        return f"Implementation({self.spec!r}, folder={display_path(self.folder)!r})"

    def module(self, exercise: Exercise) -> ModuleType:
        if exercise.name not in self._modules:
            self._modules[exercise.name] = self._import(exercise)
        found = self._modules[exercise.name]
        if isinstance(found, CannotLoad):
            raise found
        return found

    def cls(self, exercise: Exercise) -> type:
        module = self.module(exercise)
        try:
            return getattr(module, exercise.cls)
        except AttributeError:
            where = display_path(self.folder / exercise.file)
            raise CannotLoad(f"{where} defines no class {exercise.cls} (the exercise contract names it)") from None

    def __getattr__(self, name: str) -> type:
        for exercise in EXERCISES.values():
            if exercise.cls == name:
                return self.cls(exercise)
        raise AttributeError(name)

    def _import(self, exercise: Exercise) -> ModuleType | CannotLoad:
        path = self.folder / exercise.file
        where = display_path(path)
        text, problem, _ = read_source(path)
        if problem == "missing":
            return CannotLoad(f"missing file: {where} (a submission holds the course's exercise files)")
        if text is None:
            return CannotLoad(f"{where} cannot be graded: it {problem}")
        try:
            name = f"{self._package}.{exercise.name}" if self._package else _module_name(self.folder, exercise.name)
            return _run_source(text, path, name, None if self._package else self.folder)
        except SyntaxError as error:
            return CannotLoad(
                f"{where} does not import: SyntaxError at line {error.lineno}: {error.msg}"
            )
        except BaseException as error:  # noqa: BLE001 - import-time student code can raise anything
            if isinstance(error, KeyboardInterrupt):
                raise
            frames = [f for f in traceback.extract_tb(error.__traceback__) if os.path.abspath(f.filename) == str(path)]
            line = f" (line {frames[-1].lineno})" if frames else ""
            return CannotLoad(f"{where} does not import: {type(error).__name__}: {error}{line}")


def unknown_impl(spec: str) -> str | None:
    """One line saying why `spec` names no implementation (None if it names one): the check every surface
    (pytest's `--impl`, the gradkit commands) makes before grading."""
    if spec in PACKAGES:
        return None
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        return f"--impl {spec}: no such folder (give the folder holding your exercise files)"
    if not any((folder / exercise.file).is_file() for exercise in EXERCISES.values()):
        files = ", ".join(exercise.file for exercise in list(EXERCISES.values())[:3])
        return (f"--impl {spec}: no exercise file there ({files}, ...): give the folder holding your exercise "
                f"files (`gradkit init DIR` makes one)")
    return None


def load_implementation(spec: str = "exercises") -> Implementation:
    """Resolve `spec` ("exercises", "solutions" or a folder path) to an `Implementation`.

    "exercises" is the kit's own stubs (in a clone: `exercises/`); "solutions" is the reference,
    which only the instructor's source repository has.
    """
    from gradkit import layout

    if spec in PACKAGES:
        folder = layout.stubs_dir() if spec == "exercises" else layout.solutions_dir()
        if folder is None:
            raise CheckFailure("--impl solutions: the reference solutions are only in the instructor's source "
                               "(a clone of the gradkit repository)")
        return Implementation(spec, folder, package=f"gradkit.{spec}")
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        raise CheckFailure(
            f"--impl {spec!r}: expected 'exercises', 'solutions' or a folder holding the exercise files"
        )
    return Implementation(spec, folder.resolve(), package=None)


def _module_name(folder: Path, name: str) -> str:
    digest = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:10]
    return f"gradkit_submission_{digest}.{name}"


class _FolderGuard(importlib.abc.MetaPathFinder):
    """Refuses to import any module found in a student's folder: only the exercise files are loaded (by us)."""

    folders: set[str] = set()

    def find_spec(self, name, path=None, target=None):  # noqa: ANN001 - the import system's signature
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is None:
                continue
            where = spec.origin or next(iter(spec.submodule_search_locations or []), "")
            full = os.path.realpath(where) if where and where not in ("built-in", "frozen") else ""
            if any(full == f or full.startswith(f + os.sep) for f in self.folders):
                raise ModuleNotFoundError(f"No module named {name!r} (from a submission folder gradkit loads only "
                                          "the exercise files)", name=name)
            return None  # found elsewhere: let the import system go on as usual
        return None


_GUARD = _FolderGuard()


def _run_source(text: str, path: Path, module_name: str, folder: Path | None) -> ModuleType:
    """Compile and run the source text as module `module_name` (no bytecode cache, no import machinery);
    with a student `folder`, nothing else can be imported from that folder from now on."""
    if module_name in sys.modules:
        return sys.modules[module_name]
    if folder is not None:
        _GUARD.folders.add(os.path.realpath(folder))
        if _GUARD not in sys.meta_path:
            sys.meta_path.insert(0, _GUARD)
    module = ModuleType(module_name)
    module.__file__ = str(path)
    module.__package__ = module_name.rpartition(".")[0]
    sys.modules[module_name] = module
    try:
        exec(compile(text, str(path), "exec", dont_inherit=True), module.__dict__)  # noqa: S102 - student code
    except BaseException:
        del sys.modules[module_name]
        raise
    return module
