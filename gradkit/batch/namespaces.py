"""Each evaluator in namespaces of its own, made by bubblewrap (`bwrap`), a small, well-kept setuid-free tool.

Inside, the evaluator is alone: its own user (nobody, no capabilities), PID namespace (it cannot even
name another process, and when its first process ends the kernel kills every process left in it), IPC
namespace (no shared memory or semaphores with anyone), network namespace (no interface but a down
loopback), UTS and cgroup namespaces. Its file system is a mount view holding only the Python runtime
(interpreter, standard library without site-packages, the system's shared libraries), NumPy, the
evaluator's own code and an empty size-capped tmpfs as scratch folder: solutions, tests, classmates'
folders and the results cannot even be `stat`ed, and whatever it writes vanishes with it.
The student's files never appear there: the grader reads them and sends their text.

Where bwrap is missing or cannot make namespaces (a container without user namespaces), the evaluator
runs without this layer; `status()` says why, once, and `grade-all` prints it.
"""

from __future__ import annotations

import functools
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRATCH = "/scratch"  # the evaluator's private tmpfs inside the view
SCRATCH_BYTES = 64 * 2**20
HINT = "install bubblewrap (apt-get install bubblewrap) for grades of record"


def _site_dirs() -> set[str]:
    dirs = {*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    user = site.getusersitepackages() if hasattr(site, "getusersitepackages") else None
    if isinstance(user, str):
        dirs.add(user)
    return {os.path.realpath(d) for d in dirs}


def _view() -> list[str]:
    """bwrap arguments that build the mount view (paths inside are the same as outside)."""
    import numpy

    args: list[str] = []
    for top in ("/usr", "/lib", "/lib64", "/lib32", "/bin"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top) and top != "/bin":
            args += ["--ro-bind", top, top]
    if os.path.exists("/etc/ld.so.cache"):
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    executable = os.path.realpath(sys.executable)
    stdlib = {os.path.realpath(sysconfig.get_paths()[k]) for k in ("stdlib", "platstdlib")}
    libdir = sysconfig.get_config_var("LIBDIR")
    binds = {executable, *stdlib}
    library = sysconfig.get_config_var("INSTSONAME") or ""
    if libdir and library and os.path.exists(os.path.join(libdir, library)):
        binds.add(os.path.realpath(os.path.join(libdir, library)))
    numpy_dir = os.path.realpath(os.path.dirname(numpy.__file__))
    libs = os.path.join(os.path.dirname(numpy_dir), "numpy.libs")
    for path in sorted(binds):
        args += ["--ro-bind", path, path]
    # Hide every site-packages folder (the kit itself, pytest, whatever else is installed) ...
    for folder in sorted(_site_dirs()):
        if os.path.isdir(folder) and any(folder == b or folder.startswith(b + os.sep)
                                         for b in [*binds, "/usr", "/lib", "/lib64"]):
            args += ["--tmpfs", folder]
    # ... and the kit's folder, should it lie in a bound tree; then show NumPy and the evaluator's code.
    args += ["--ro-bind", numpy_dir, numpy_dir]
    if os.path.isdir(libs):
        args += ["--ro-bind", os.path.realpath(libs), os.path.realpath(libs)]
    gradkit_dir = str(ROOT / "gradkit")
    args += ["--ro-bind", gradkit_dir, gradkit_dir]
    args += ["--dev", "/dev", "--size", str(SCRATCH_BYTES), "--tmpfs", SCRATCH, "--chdir", SCRATCH]
    return args


def command(python_args: list[str], env: dict[str, str] | None = None) -> list[str]:
    """The bwrap command line that runs `python python_args...` in the evaluator's namespaces and view."""
    bwrap = shutil.which("bwrap") or "bwrap"
    variables = [part for key, value in (env or {}).items() for part in ("--setenv", key, value)]
    return [bwrap, "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
            "--die-with-parent", "--clearenv", *variables, *_view_cached(), "--", os.path.realpath(sys.executable),
            *python_args]


@functools.lru_cache(maxsize=1)
def _view_cached() -> tuple[str, ...]:
    return tuple(_view())


def bootstrap(module: str) -> list[str]:
    """Python arguments running `module` as __main__ with only the kit's folder on sys.path (-I: no user site, no environment)."""
    code = f"import sys, runpy; sys.path.insert(0, {str(ROOT)!r}); runpy.run_module({module!r}, run_name='__main__')"
    return ["-I", "-B", "-c", code]


@functools.lru_cache(maxsize=1)
def status() -> tuple[bool, str]:
    """(usable, one line): whether evaluators get their own namespaces here, and if not, why not."""
    if os.environ.get("GRADKIT_NO_BWRAP"):
        return False, f"GRADKIT_NO_BWRAP is set: evaluators run without namespaces; {HINT}"
    if sys.platform != "linux":
        return False, "namespaces need Linux: evaluators run with rlimits and the audit hook only"
    if shutil.which("bwrap") is None:
        return False, f"bwrap not found: evaluators run without their own namespaces and mount view; {HINT}"
    try:
        probe = subprocess.run(command([*bootstrap("gradkit.batch.namespaces"), "probe"]), capture_output=True,
                               timeout=30, stdin=subprocess.DEVNULL, env={})
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"bwrap does not run here ({error}); {HINT}"
    if probe.returncode != 0 or probe.stdout.strip() != b"ok":
        lines = (probe.stderr or b"").decode(errors="replace").strip().splitlines()
        why = lines[-1] if lines else f"exit status {probe.returncode}"
        return False, f"bwrap cannot make the evaluator's namespaces here ({why[:200]}); evaluators run without them"
    return True, "own user, PID, IPC, network and mount namespaces (bubblewrap)"


if __name__ == "__main__" and sys.argv[1:] == ["probe"]:
    import numpy  # noqa: F401 - the view must hold NumPy

    print("ok" if os.getpid() <= 3 and not os.path.exists(str(ROOT / "solutions")) else "not isolated")
