"""Pinned requirements: gradkit's dependencies, and theirs, at the versions installed here.

An autograder built elsewhere (Gradescope's image) installs exactly what the instructor graded with here, not
whatever is newest on the day it is built. Markers are judged for Linux (where autograders run) and this Python.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from gradkit.errors import UserError

LINUX = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"}


def _applies(requirement: Requirement) -> bool:
    """Whether a requirement holds on Linux with this Python and no extras."""
    if requirement.marker is None:
        return True
    return requirement.marker.evaluate({**default_environment(), **LINUX, "extra": ""})


def declared_dependencies(root: Path) -> list[Requirement]:
    """The `[project] dependencies` of the source at `root` (what the wheel requires)."""
    project = tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project.get("dependencies", [])]


def pinned(requirements: list[Requirement]) -> dict[str, str]:
    """{canonical name: installed version} of `requirements` and everything they need, for Linux.

    A requirement that is not installed here, or installed at a version it does not allow, is a one-line error:
    the pins must be what was tested.
    """
    found: dict[str, str] = {}
    pending = [r for r in requirements if _applies(r)]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            raise UserError(f"{requirement.name} is not installed here, so it cannot be pinned: "
                            "pip install -e '.[dev]'") from None
        if requirement.specifier and not requirement.specifier.contains(version, prereleases=True):
            raise UserError(f"{requirement.name} {version} is installed here, but {requirement} is required")
        found[name] = version
        needs = importlib.metadata.requires(requirement.name) or []
        pending += [r for r in map(Requirement, needs) if _applies(r)]
    return dict(sorted(found.items()))


def requirements_txt(root: Path) -> str:
    """requirements.txt pinning the wheel's dependencies (and theirs) at the versions installed here."""
    pins = pinned(declared_dependencies(root))
    lines = [f"{name}=={version}" for name, version in pins.items()]
    return "# gradkit's dependencies at the versions it was tested with (gradkit gradescope)\n" + "\n".join(lines) + "\n"
