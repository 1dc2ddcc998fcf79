"""Throughput of `grade-all` (submissions graded per minute), and where one submission's time goes.

    python benchmarks/bench_grade_all.py                        # 200 submissions: --jobs 1, 2 and the default
    python benchmarks/bench_grade_all.py --count 40 --jobs 2    # a quick run
    python benchmarks/bench_grade_all.py --against ../main      # that checkout, then this one, on the same class
    python benchmarks/bench_grade_all.py --breakdown            # one submission, phase by phase
    python benchmarks/bench_grade_all.py --scheduler tcp://HOST:8786   # on a Dask cluster (pip install ".[dask]")

The class mixes what a real one holds: a quarter full marks (the reference), a sixth untouched stubs, and the rest
the reference with one catalogue mistake (tests/bugs, cycled; a mistake in an exercise the course does not grade,
one of the extras, leaves full marks: 51 of the 115 in a class of 200). Every submission goes through the full
sandbox (its own evaluator process, limits, the graded suite). Each run grades the whole class from scratch in a
process of its own whose PYTHONPATH starts with the checkout measured, so `--against` measures that checkout's code,
and compares the two grades.csv files. Every figure comes with the load average, read before and after its run: on
a shared machine, a ratio measured in one run means more than either number.

`--breakdown` grades one submission several times, alternately as a new ``python -m pytest`` (the way before the
zygote, `GRADKIT_NO_ZYGOTE=1`) and as a fork of the zygote, and splits its time with the stamps and counts the
grading process writes into its sandbox report; beside that it times a bare interpreter, each import
(``python -X importtime``), the bubblewrap probe and the start of an evaluator. `--profile` adds cProfile's view of
the grading process.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gradkit.batch.samples import (  # noqa: E402 - after the path
    write_bug,
    write_reference,
    write_stubs,
)
from gradkit.release.catalogue import bug_files  # noqa: E402

# Grades the class in a process of its own, with the code of the checkout first on PYTHONPATH.
RUN = """
import json, sys
from pathlib import Path
from gradkit.batch.limits import Limits
from gradkit.batch.scheduler import grade_all
summary = grade_all(Path(sys.argv[1]), Path(sys.argv[2]), jobs=int(sys.argv[3]), limits=Limits(),
                    include_hidden=sys.argv[4] == "1", force=True, scheduler=sys.argv[5] or None)
statuses = {}
for result in summary.results:
    statuses[result.status] = statuses.get(result.status, 0) + 1
print(json.dumps({"graded": len(summary.graded_now), "seconds": summary.seconds, "statuses": statuses}))
"""
SCORE_COLUMNS = ("status", "score", "max_score", "public", "instructor")
COUNTS = ("score", "requests to the evaluator", "evaluator starts")


def make_class(folder: Path, count: int) -> Counter:
    """`count` submission folders in `folder`; returns how many of each kind."""
    bugs = bug_files()
    kinds: Counter = Counter()
    for i in range(count):
        student = folder / f"student{i:03d}"
        if i % 12 in (0, 1, 2):
            write_reference(student)
            kinds["reference"] += 1
        elif i % 12 == 3 or i % 12 == 4 or not bugs:
            write_stubs(student)
            kinds["stubs"] += 1
        else:
            write_bug(student, bugs[i % len(bugs)])
            kinds["one catalogue bug"] += 1
    return kinds


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


class TreeCpu(threading.Thread):
    """CPU seconds of a process and all its descendants, sampled from /proc every `period` seconds (a process that
    ends between two samples loses at most its last period; a grading process or an evaluator lives seconds)."""

    def __init__(self, root: int, period: float = 0.1):
        super().__init__(daemon=True)
        self.root, self.period = root, period
        self.seen: dict[tuple[int, str], float] = {}  # (pid, start time) -> CPU seconds
        self.done = threading.Event()

    def run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self.done.is_set():
            todo = [self.root]
            while todo:
                pid = todo.pop()
                try:
                    with open(f"/proc/{pid}/stat") as handle:
                        fields = handle.read().rsplit(")", 1)[1].split()
                    for task in os.listdir(f"/proc/{pid}/task"):  # children are listed by the thread that made them
                        with open(f"/proc/{pid}/task/{task}/children") as handle:
                            todo += [int(c) for c in handle.read().split()]
                except (OSError, ValueError):
                    continue
                self.seen[(pid, fields[19])] = (int(fields[11]) + int(fields[12])) / tick
            self.done.wait(self.period)

    def total(self) -> float:
        self.done.set()
        self.join()
        return sum(self.seen.values())


def grade_class(checkout: Path, submissions: Path, out_csv: Path, jobs: int, hidden: bool,
                scheduler: str | None = None) -> dict:
    """Grade the class with `checkout`'s code: {"graded", "seconds", "statuses", "per_minute", "cpu_each", "load"}
    (`cpu_each`: CPU seconds per graded submission, every process of the run counted, on Linux)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(checkout), os.environ.get("PYTHONPATH")]))}
    before = load()
    process = subprocess.Popen([sys.executable, "-P", "-c", RUN, str(submissions), str(out_csv), str(jobs),
                                "1" if hidden else "0", scheduler or ""], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    sampler = TreeCpu(process.pid)
    if sys.platform == "linux":
        sampler.start()
    out, err = process.communicate()
    cpu = sampler.total() if sampler.is_alive() else float("nan")
    if process.returncode != 0:
        raise SystemExit(f"grading with {checkout} failed: {err.strip().splitlines()[-1:]}")
    found = json.loads(out.strip().splitlines()[-1])
    found["per_minute"] = 60 * found["graded"] / found["seconds"]
    found["cpu_each"] = cpu / found["graded"]
    found["load"] = f"{before} before, {load()} after"
    return found


def grades(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def compare_grades(old: Path, new: Path) -> str:
    """One line: whether two grades.csv give every student the same status, scores and points per test."""
    a, b = grades(old), grades(new)
    columns = [c for c in next(iter(a.values())) if c in SCORE_COLUMNS or ":" in c or c in _exercise_columns(a)]
    differ = sorted(s for s in set(a) | set(b) if s not in a or s not in b
                    or any(a[s].get(c) != b[s].get(c) for c in columns))
    reasons = sum(a[s]["reason"] != b[s]["reason"] for s in set(a) & set(b))
    verdict = "identical" if not differ else f"DIFFERENT for {len(differ)}: {differ[:5]}"
    return (f"grades of {len(a)} students over {len(columns)} columns (status, scores, points per exercise and per "
            f"test): {verdict}; reasons differ for {reasons}")


def _exercise_columns(table: dict[str, dict[str, str]]) -> set[str]:
    row = next(iter(table.values()))
    fixed = {"student", "reason", "flags", "sandbox_refused", *SCORE_COLUMNS}
    return {c for c in row if c not in fixed and not c.endswith("_max") and ":" not in c}


def throughput(args: argparse.Namespace, tmp: Path) -> int:
    submissions = tmp / "submissions"
    kinds = make_class(submissions, args.count)
    print(f"class: {args.count} submissions {dict(kinds)}, {'public + hidden' if not args.no_hidden else 'public'} "
          f"tests, {os.cpu_count()} cores")
    if args.scheduler:  # the cluster's workers decide the parallelism; their CPU is not sampled here
        run = grade_class(ROOT, submissions, tmp / "dask" / "grades.csv", 1, not args.no_hidden, args.scheduler)
        print(f"on the Dask cluster at {args.scheduler}: {run['graded']} graded in {run['seconds']:.0f} s = "
              f"{run['per_minute']:.1f} submissions per minute; statuses {run['statuses']}", flush=True)
        return 0
    default_jobs = min(2, os.cpu_count() or 1)  # gradkit grade-all's --jobs default
    jobs = args.jobs or [1, 2]
    for n in jobs:
        run = grade_class(ROOT, submissions, tmp / f"jobs{n}" / "grades.csv", n, not args.no_hidden)
        note = " (the default)" if n == default_jobs else ""
        print(f"--jobs {n}{note}: {run['graded']} graded in {run['seconds']:.0f} s = {run['per_minute']:.1f} "
              f"submissions per minute, {run['cpu_each']:.2f} CPU s each; statuses {run['statuses']}; {run['load']}",
              flush=True)
    if default_jobs not in jobs:
        run = grade_class(ROOT, submissions, tmp / "default" / "grades.csv", default_jobs, not args.no_hidden)
        print(f"--jobs {default_jobs} (the default): {run['per_minute']:.1f} per minute, {run['cpu_each']:.2f} CPU s "
              f"each; {run['load']}", flush=True)
    return 0


def against(args: argparse.Namespace, tmp: Path) -> int:
    other = args.against.resolve()
    submissions = tmp / "submissions"
    kinds = make_class(submissions, args.count)
    jobs = (args.jobs or [2])[0]
    print(f"class: {args.count} submissions {dict(kinds)}; --jobs {jobs}; {other} (old) then {ROOT} (new)")
    for round_ in range(args.rounds):
        old = grade_class(other, submissions, tmp / f"old{round_}" / "grades.csv", jobs, not args.no_hidden)
        print(f"  old: {old['per_minute']:.1f} per minute ({old['seconds']:.0f} s), {old['cpu_each']:.2f} CPU s each; "
              f"{old['load']}", flush=True)
        new = grade_class(ROOT, submissions, tmp / f"new{round_}" / "grades.csv", jobs, not args.no_hidden)
        print(f"  new: {new['per_minute']:.1f} per minute ({new['seconds']:.0f} s), {new['cpu_each']:.2f} CPU s each; "
              f"{new['load']}", flush=True)
        print(f"round {round_ + 1}: new/old throughput {new['per_minute'] / old['per_minute']:.2f}x, CPU per "
              f"submission old/new {old['cpu_each'] / new['cpu_each']:.2f}x; "
              + compare_grades(tmp / f"old{round_}" / "grades.csv", tmp / f"new{round_}" / "grades.csv"), flush=True)
    return 0


# ---- one submission, phase by phase ----------------------------------------------------------------
def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def import_times() -> dict[str, float]:
    """Seconds each package takes to import, in the order a grading process imports them (python -X importtime)."""
    code = "import numpy; import pytest; import hypothesis; import gradkit.checker.grading, gradkit.batch.plugin"
    completed = subprocess.run([sys.executable, "-P", "-X", "importtime", "-c", code], capture_output=True, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    found: Counter = Counter()
    for line in completed.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        if match and not match.group(2):  # imported by the line above, not by another module
            found[match.group(3).split(".")[0]] += int(match.group(1)) / 1e6
    return dict(found)


def grade_once(folder: Path, tmp: Path, plain: bool, profile: Path | None = None) -> dict:
    """Grade `folder` as `grade_submission` does, keeping the sandbox report; the phases in seconds."""
    from gradkit.batch import store
    from gradkit.batch.limits import Limits
    from gradkit.batch.submission import GRADED, StudentResult, pytest_args, run_child, test_files
    from gradkit.checker.course import active, to_json
    from gradkit.checker.runner import read_outcomes

    tmp.mkdir(parents=True)
    (tmp / "scratch").mkdir()
    course_path = tmp / "course.json"
    course_path.write_text(to_json(active()))
    json_path = tmp / "results.json"
    args = pytest_args(folder, test_files(), json_path, Limits(), course_path)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(tmp / "scratch"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if plain:
        os.environ["GRADKIT_NO_ZYGOTE"] = "1"
    try:
        started = time.time()
        if profile is not None:
            subprocess.run([sys.executable, "-P", "-m", "cProfile", "-o", str(profile), "-m", "pytest", *args],
                           cwd=folder.parent, env=env, capture_output=True, check=False)
        else:
            run_child(args, cwd=folder.parent, env=env, output=tmp / "output.txt", seconds=900)
        ended = time.time()
    finally:
        os.environ.pop("GRADKIT_NO_ZYGOTE", None)
    writing = time.perf_counter()
    result = StudentResult(folder.name, GRADED, read_outcomes(json_path))
    store.save(tmp / "store", result)
    writing = time.perf_counter() - writing
    report = json.loads((tmp / "sandbox.json").read_text())
    costs, clock, calls = report["costs"], report["costs"]["clock"], report["costs"]["request_seconds"]
    return {
        "score": result.score,
        "start of the grading process, imports, pytest's plugins": clock["configured"] - started,
        "collection of the graded tests": clock["collected"] - clock["configured"],
        "checks, in the grading process": clock["checked"] - clock["collected"] - calls - costs["start_seconds"],
        "evaluator starts (bubblewrap, python, NumPy, lock-down)": costs["start_seconds"],
        "calls: student code's own time": costs["student_seconds"],
        "calls: IPC (encoding, pipes, syncing params/grads, both sides)": calls - costs["student_seconds"],
        "evaluator stop, sandbox report": clock["closed"] - clock["checked"],
        "results.json, end of the grading process": ended - clock["closed"],
        "result writing (read outcomes, store the grade)": writing,
        "total (wall)": ended - started + writing,
        "CPU: grading process": costs["grader_cpu_seconds"],
        "CPU: evaluators": costs.get("cpu_seconds", 0.0),
        "requests to the evaluator": costs["requests"],
        "evaluator starts": costs["starts"],
    }


def breakdown(args: argparse.Namespace, tmp: Path) -> int:
    from gradkit.batch import namespaces
    from gradkit.batch.limits import Limits
    from gradkit.batch.proxy import Evaluator

    folder = tmp / "submissions" / args.kind
    if args.kind == "reference":
        write_reference(folder)
    elif args.kind == "stubs":
        write_stubs(folder)
    else:
        write_bug(folder, next(b for b in bug_files() if b.stem == args.kind))
    print(f"one submission ({args.kind}), public + hidden tests; median of {args.repeat}; {load()}")
    bare = median_seconds(lambda: subprocess.run([sys.executable, "-P", "-c", "pass"], check=True), args.repeat)
    print(f"  python -P -c pass: {bare:.3f} s")
    imports = import_times()
    print("  imports (python -X importtime, each package after the ones before it): "
          + ", ".join(f"{k} {v:.3f} s" for k, v in sorted(imports.items(), key=lambda kv: -kv[1]) if v >= 0.005))
    probe = median_seconds(lambda: namespaces.status.__wrapped__(), args.repeat)
    print(f"  bubblewrap probe (once per grading process before the zygote, once per zygote now): {probe:.3f} s")

    def start_and_stop():
        evaluator = Evaluator(folder, Limits())
        evaluator.start()
        evaluator.close()

    evaluator = median_seconds(start_and_stop, args.repeat)
    print(f"  one evaluator start and stop ({namespaces.status()[1]}): {evaluator:.3f} s")
    runs: dict[str, list[dict]] = {"new process": [], "zygote fork": []}
    grade_once(folder, tmp / "warm", plain=False)  # the zygote starts once per grading run, not per submission
    for i in range(args.repeat):
        for way in runs:
            runs[way].append(grade_once(folder, tmp / f"{way}{i}".replace(" ", "-"), plain=way == "new process"))
    print(f"  {'phase':58s} {'new process':>12s} {'zygote fork':>12s}")
    for key in runs["new process"][0]:
        values = [statistics.median(r[key] for r in runs[way]) for way in runs]
        unit = "" if key in COUNTS else " s"
        print(f"  {key:58s} " + " ".join(f"{v:10.3f}{unit:2s}" if unit else f"{v:12g}" for v in values))
    print(f"  {load()}")
    if args.profile:
        profile = tmp / "child.prof"
        grade_once(folder, tmp / "profiled", plain=True, profile=profile)
        import pstats

        print("cProfile of the grading process (new process), by own time:")
        pstats.Stats(str(profile)).sort_stats("tottime").print_stats(15)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="submissions in the class (default: %(default)s)")
    parser.add_argument("--jobs", type=int, action="append", help="--jobs to measure (repeatable; default: 1 and 2, "
                        "and the default of grade-all if it is neither)")
    parser.add_argument("--no-hidden", action="store_true", help="public tests only")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT",
                        help="grade the class with that checkout's code, then with this one's; compare the grades")
    parser.add_argument("--rounds", type=int, default=1, help="old/new pairs with --against (default: %(default)s)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="grade on this Dask cluster instead of here")
    parser.add_argument("--breakdown", action="store_true", help="where one submission's time goes")
    parser.add_argument("--kind", default="reference", help="--breakdown's submission: reference, stubs or the "
                        "name of a catalogue bug (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="--breakdown's repetitions (default: %(default)s)")
    parser.add_argument("--profile", action="store_true", help="--breakdown: also cProfile the grading process")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gradkit-bench-") as tmp:
        if args.breakdown:
            return breakdown(args, Path(tmp))
        if args.against:
            return against(args, Path(tmp))
        return throughput(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
