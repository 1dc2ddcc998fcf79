"""Selecting an implementation: `exercises`, `solutions`, or a folder holding the six files.

This is the only module that imports student code. A file that fails to import fails only the
exercise it belongs to: the error is kept and raised as a `CheckFailure` when a check asks for
that exercise's class.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
import traceback
from pathlib import Path
from types import ModuleType

from checker.guard import display_path
from checker.names import EXERCISES, Exercise
from checker.results import CannotLoad, CheckFailure

PACKAGES = ("exercises", "solutions")


class Implementation:
    """The six classes of one implementation, as attributes: `impl.Conv2D`, `impl.MaxPool2D`, ...

    Looking up a class whose file is missing or does not import raises a `CheckFailure`.
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
        if not path.is_file():
            return CannotLoad(f"missing file: {where} (a submission holds the six exercise files)")
        try:
            if self._package is not None:
                return importlib.import_module(f"{self._package}.{exercise.name}")
            return _import_file(path, _module_name(self.folder, exercise.name))
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


def load_implementation(spec: str = "exercises") -> Implementation:
    """Resolve `spec` ("exercises", "solutions" or a folder path) to an `Implementation`."""
    if spec in PACKAGES:
        found = importlib.util.find_spec(spec)
        if found is None or not found.submodule_search_locations:
            raise CheckFailure(f"cannot find the {spec!r} package; is gradkit installed (pip install -e .)?")
        return Implementation(spec, Path(list(found.submodule_search_locations)[0]), package=spec)
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        raise CheckFailure(
            f"--impl {spec!r}: expected 'exercises', 'solutions' or a folder holding the six exercise files"
        )
    return Implementation(spec, folder.resolve(), package=None)


def _module_name(folder: Path, name: str) -> str:
    digest = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:10]
    return f"gradkit_submission_{digest}.{name}"


def _import_file(path: Path, module_name: str) -> ModuleType:
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module
