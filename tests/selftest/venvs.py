"""A fresh virtual environment with a gradkit wheel installed, and running commands in it, as a student would
(offline: the venv reaches this environment's NumPy, pytest and hypothesis through a path file, never gradkit's
editable install)."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path


def bare_venv(folder: Path) -> Path:
    """A venv at `folder` without gradkit that reaches this environment's packages; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    venv_site = subprocess.run([python, "-c", "import site; print(site.getsitepackages()[0])"],
                               capture_output=True, text=True, check=True).stdout.strip()
    # A path entry (not a site dir): the base's packages import, its .pth files (the editable gradkit) do not run.
    Path(venv_site, "base-packages.pth").write_text(site.getsitepackages()[0] + "\n")
    return python


def venv_with(wheel: Path, folder: Path) -> Path:
    """A venv at `folder` with `wheel` installed; returns its python."""
    python = bare_venv(folder)
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True)
    return python


def run_in(python: Path, *args: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python *args` in `cwd`, with the venv's bin/ first on PATH and no PYTHONPATH (the installed gradkit only)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRADKIT_DATA")}
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(a) for a in (python, *args)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
