"""A student's workspace: the folder `gradkit init DIR` writes, where `pytest` and `gradkit` grade.

    DIR/conv.py ... sgd_momentum.py   the stubs of the course's exercises (the student's files)
    DIR/pytest.ini                    `gradkit_impl = .`: plain `pytest` here grades this folder
    DIR/README.md                     what to do, how to check

Commands find their workspace the way pytest finds its ini file: in the working directory or the
nearest parent holding a `pytest.ini` that sets `gradkit_impl`.
"""

from __future__ import annotations

import configparser
import math
from pathlib import Path

from gradkit import layout
from gradkit.checker.course import Course, active
from gradkit.checker.specs import EXERCISES
from gradkit.errors import UserError

INI = "pytest.ini"

PYTEST_INI = """\
# Written by `gradkit init`: plain `pytest` in this folder grades the exercise files here,
# with the graded tests of the installed gradkit, and prints your score.
[pytest]
gradkit_impl = .
addopts = -p no:cacheprovider
"""

README = """\
# CNN layers from scratch in NumPy

Your exercise files are here; write your code where a method says `raise NotImplementedError(...)`. Each file
starts with a lesson: the maths, the shapes, what to cache, the traps. Work through them in order.

| exercise | file | class | points |
|---|---|---|---|
{table}

## Check your work

```
{check:<26}# one exercise: every check, with a full diagnosis of any failure
{plot:<38}# your gradient, the numerical one and their difference
pytest                    # (or gradkit grade) all of them, and your score out of {total:g}
gradkit train mnist --impl .          # train a real network with your own layers
```

Do not rename the files, the classes or the methods: the grader finds them by name. Your instructor grades
the same files with the same tests and points, and may add checks of their own (for example larger cases).
Grading runs your code in a sandbox: NumPy and the standard library only, no files, processes or network.
"""


def points_table(course: Course) -> str:
    """The README's exercise table; points as the course gives them (`checker/points.py`)."""
    from gradkit.checker.points import public_points

    rows = [f"| {e.title} | `{e.file}` | `{e.cls}` | {public_points(e.name, course):g} |"
            for e in (EXERCISES[name] for name in course.exercises)]
    return "\n".join(rows)


def init(folder: Path, course: Course | None = None) -> list[Path]:
    """Write a fresh workspace for `course` (gradkit's own when None) into `folder` (created if missing); refuse,
    writing nothing, if any file it would write is already there, so no one's work is overwritten. Returns the
    files written."""
    from gradkit.checker.points import public_points

    folder = Path(folder)
    course = course or active()
    exercises = [EXERCISES[name] for name in course.exercises]
    stubs = {e.file: (layout.stubs_dir() / e.file).read_text(encoding="utf-8") for e in exercises}
    total = math.fsum(public_points(e.name, course) for e in exercises)
    check = f"gradkit check {course.exercises[0]}"
    readme = README.format(table=points_table(course), total=total, check=check,
                           plot=f"{check} --plot {course.exercises[0]}.png")
    files = {**stubs, INI: PYTEST_INI, "README.md": readme}
    existing = [name for name in files if (folder / name).exists() or (folder / name).is_symlink()]
    if existing:
        raise UserError(f"{folder} already has {', '.join(existing)}; nothing written "
                        "(choose a new folder: gradkit init never overwrites your work)")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")
    return [folder / name for name in files]


def find(start: Path | None = None) -> Path | None:
    """The workspace holding `start` (default: the working directory), or None."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        ini = folder / INI
        if ini.is_file():
            parser = configparser.ConfigParser()
            try:
                parser.read(ini, encoding="utf-8")
            except configparser.Error:
                return None
            impl = parser.get("pytest", "gradkit_impl", fallback=None)
            return (folder / impl).resolve() if impl else None
    return None


def default_impl() -> str:
    """What `gradkit grade`/`check`/`train` grade without `--impl`: the workspace here, else (in the
    source repository) the kit's `exercises/`."""
    found = find()
    if found is not None:
        return str(found)
    if layout.source_root() is not None:
        return "exercises"
    raise UserError("no exercises here: make a workspace with `gradkit init DIR` and run gradkit inside it, "
                    "or pass --impl FOLDER")
