"""gradkit: learn convolutional networks by building them from scratch in NumPy."""

from pathlib import Path as _Path

__version__ = "0.1.0"

# The wheel installs the grading library, the stubs and the public tests inside this package
# (gradkit.checker, gradkit.exercises, gradkit.graded: see pyproject.toml). The source repository
# keeps them as top-level folders beside it (checker/, exercises/, ...), so in a clone the same
# import names resolve there, also without an install and inside the sandbox's mount view.
_SOURCE = _Path(__file__).resolve().parent.parent
if (_SOURCE / "checker" / "__init__.py").is_file() and (_SOURCE / "solutions").is_dir():
    __path__.append(str(_SOURCE))  # noqa: F821 - a package's own __path__
