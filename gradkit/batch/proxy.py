"""The grader's side of the sandbox: student classes as proxies whose methods run in the evaluator.

`SandboxedImplementation(folder)` looks like `gradkit.checker.impl.Implementation` to the graded suite:
``impl.Conv2D(...)`` returns a proxy, ``guard.call(layer, "forward", x)`` runs ``forward`` in the
sandboxed evaluator (`evaluator.py`) and returns the student's array, and ``layer.params`` /
``layer.grads`` are local dicts of arrays kept in sync with the student's after every call. So all
checks (contracts, finite differences, scoring) run unchanged in this process, which never
imports student code and only ever sees arrays.

Failures look like in-process ones: a student exception is re-raised here with its type name,
message, file and line (from a code object that carries the student's file name), so
`checker.guard` writes the same message. A crash, a timeout or an unreadable reply kills the
evaluator; the current test fails with the reason and the next test gets a fresh evaluator. A death
by SIGSYS is seccomp's answer to a system call only an attack makes: this process, never the
evaluator, adds it to `refusals` (the `sandbox_refused` column), whenever it happens.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from gradkit.checker.guard import display_path
from gradkit.checker.impl import Implementation, load_implementation, read_source
from gradkit.checker.specs import EXERCISES, Exercise
from gradkit.checker.results import CheckFailure, RemoteError, StudentCodeError, StudentTimeout
from gradkit.batch import namespaces
from gradkit.batch.limits import Limits
from gradkit.batch.protocol import (
    Codec,
    PeerGone,
    ProtocolError,
    forget,
    read_frame,
    write_frame,
)

MIRRORED = ("params", "grads")
STARTUP_SECONDS = 60.0


class SandboxFailure(Exception):
    """The evaluator died, hung or misbehaved during a call; the message says which."""


class CallTimeout(SandboxFailure):
    """A call did not return within `Limits.call_seconds`."""


class ProcessDied(SandboxFailure):
    """The evaluator process ended during a call (os._exit, a crash, a resource limit)."""


class BadReply(SandboxFailure):
    """The evaluator sent something that is not a valid reply."""


class BudgetUsedUp(SandboxFailure):
    """The submission's calls together used up `Limits.budget_seconds`."""


class EarlierFailure(SandboxFailure):
    """The evaluator already died once in this test; later calls of the test fail at once."""


def _signature(item: Any) -> tuple | None:
    """What an array holds (dtype, shape, bytes): equal signatures need not be sent again."""
    if isinstance(item, np.ndarray) and item.dtype.kind in "biufc":
        return (item.dtype.str, item.shape, item.tobytes())
    return None


# seccomp kills the evaluator with SIGSYS at a system call only an attack makes (`sandbox._KILLED`).
FORBIDDEN_CALL = ("your code was stopped by the kernel: it made a system call the grading sandbox forbids "
                  "(SysV IPC, io_uring, ptrace, mount, bpf, ...)")


def _death_signal(returncode: int | None, isolated: bool = False) -> int | None:
    """The signal the evaluator died of, None if it exited (or still runs)."""
    if returncode is None:
        return None
    if isolated and 128 < returncode < 128 + 65:  # bubblewrap exits 128 + n when its child dies of signal n
        return returncode - 128
    return -returncode if returncode < 0 else None


def _kill_note(where: str) -> str:
    """The evidence of a death by seccomp, for `sandbox_refused`."""
    return f"a system call the sandbox forbids, {where} (the kernel killed the evaluator: SIGSYS)"


def _exit_reason(returncode: int | None, limits: Limits, isolated: bool = False) -> str:
    if returncode is None:
        return "it stopped answering"
    sig = _death_signal(returncode, isolated)
    if sig is not None:
        if sig == signal.SIGSYS:
            return FORBIDDEN_CALL
        if sig == signal.SIGXCPU:
            return f"it used up its CPU time ({limits.cpu_seconds} s)"
        if sig == signal.SIGKILL:
            return "it was killed (out of memory, or a grader timeout)"
        if sig == signal.SIGSEGV:
            return "it crashed (segmentation fault)"
        try:
            return f"it was killed by signal {signal.Signals(sig).name}"
        except ValueError:
            return f"it was killed by signal {sig}"
    return f"the process exited with status {returncode} (os._exit? never exit from a layer)"


def _tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by a process and its descendants (Linux /proc; 0 elsewhere). Read before the kill:
    bubblewrap never waits for an evaluator killed with it, so the evaluator's time reaches no rusage."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in os.listdir(f"/proc/{pid}/task"):  # children are listed by the thread that made them
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                seconds += sum(_tree_cpu_seconds(int(child)) for child in handle.read().split())
        return seconds
    except (OSError, ValueError, IndexError):
        return 0.0


class ParentCodec(Codec):
    """Sends proxies as handles, the grader's layers as stand-in references, generators as copies."""

    def __init__(self, evaluator: Evaluator):
        super().__init__()
        self.evaluator = evaluator
        self.seen: list[Any] = []  # proxies and layers met while encoding one request

    def encode_object(self, value: Any, buffers: list[bytes]) -> Any:
        if isinstance(value, RemoteObject):
            if value._generation != self.evaluator.generation:
                raise SandboxFailure(f"this {type(value).__name__} was lost when the evaluator restarted")
            self.seen.append(value)
            return {"H": [value._handle, type(value).__name__]}
        if isinstance(value, np.random.Generator):
            # A copy of the state: student code can never steer the grader's own random stream.
            return {"R": value.bit_generator.state}
        layer_like = isinstance(getattr(value, "params", None), dict) and isinstance(getattr(value, "grads", None), dict)
        bare_layer = not hasattr(value, "params") and not hasattr(value, "grads")  # a layer with nothing to learn
        if layer_like or bare_layer:
            self.evaluator.layers[id(value)] = value
            self.seen.append(value)
            return {"P": [id(value), type(value).__name__]}
        raise TypeError(f"gradkit cannot send a {type(value).__name__} to the sandbox")

    def decode_tag(self, tag: str, body: Any, buffers: list[bytes]) -> Any:
        if tag == "H" and isinstance(body, list) and len(body) == 2 and isinstance(body[0], int):
            found = self.evaluator.proxies.get(body[0])
            return found if found is not None else self.evaluator.adopt(body[0], str(body[1]))
        if tag == "P" and isinstance(body, list) and len(body) == 2 and isinstance(body[0], int):
            layer = self.evaluator.layers.get(body[0])
            return layer if layer is not None else self.opaque(str(body[1]))
        raise ProtocolError(f"unknown tag {tag!r}")


class Evaluator:
    """One sandboxed evaluator process at a time for one submission folder; restarted after failures."""

    def __init__(self, folder: Path, limits: Limits):
        self.folder = Path(folder)
        self.limits = limits
        self.process: subprocess.Popen | None = None
        self.generation = 0
        self.restarts = -1  # the first start is not a restart
        self.proxies: weakref.WeakValueDictionary[int, RemoteObject] = weakref.WeakValueDictionary()
        self.layers: dict[int, Any] = {}
        self.pending_release: list[int] = []
        self.poisoned: str | None = None  # why the evaluator died during the current test
        self.sandbox: dict[str, Any] = {}
        self.refusals: list[str] = []  # what the sandbox refused to student code (audit hook notes, seccomp kills)
        # (kind, id, attr, key) -> signature of the array the evaluator holds there (to send only changes)
        self.synced: dict[tuple, tuple | None] = {}
        # The grader's array last synced under each key: one that was replaced by another array object
        # (`layer.grads["W"] = dW`) is replaced in the evaluator too, not copied into the old one.
        self.synced_arrays: dict[tuple, Any] = {}
        # (kind, id, attr) -> the keys both sides held after the last exchange
        self.synced_keys: dict[tuple, list[Any]] = {}
        self.codec = ParentCodec(self)
        self._fds: tuple[int, int] | None = None
        self._evidence: int | None = None
        self._evidence_tail = b""
        self._scratch: str | None = None
        self._sources: tuple[dict[str, list[Any]], list[bytes]] | None = None
        self.digests: dict[str, str] = {}  # file -> sha256 of what was graded
        self.isolated = False
        self.next_id = 0
        self.spent = 0.0  # seconds of all calls so far (Limits.budget_seconds)
        # "Conv2D.backward" -> seconds its calls took in the evaluator (the pipe left out), for a flag only
        self.call_seconds: dict[str, float] = {}
        # Where grading time goes, for `benchmarks/bench_grade_all.py --breakdown` (never for a score): evaluator
        # starts and their seconds, requests and the seconds student code took of them (the rest is the pipe).
        self.costs = {"starts": 0, "start_seconds": 0.0, "requests": 0, "request_seconds": 0.0, "student_seconds": 0.0}
        self.current_test = ""
        self.cut: list[str] = []  # tests whose calls were cut by the time budget
        self.events: list[str] = []  # what the grader itself saw go wrong (deaths, desyncs)
        self.running = ""  # where student code is: "in ReLU.forward", "after ReLU.forward", "" while starting

    # ---- process --------------------------------------------------------------------------------
    def sources(self) -> tuple[dict[str, list[Any]], list[bytes]]:
        """The files of every exercise the kit knows (like `Implementation`, any of them can be looked up; the
        course decides which are graded) as `gradkit.checker.impl.read_source` reads them (once per submission:
        every restart of the evaluator runs the same text), as the evaluator's first frame."""
        if self._sources is None:
            entries: dict[str, list[Any]] = {}
            buffers: list[bytes] = []
            for exercise in EXERCISES.values():
                path = self.folder / exercise.file
                text, problem, digest = read_source(path)
                self.digests[exercise.file] = digest
                if text is not None:
                    buffers.append(text.encode("utf-8"))
                entries[exercise.name] = [str(path), problem, len(buffers) - 1 if text is not None else None]
            self._sources = (entries, buffers)
        return self._sources

    def start(self) -> None:
        started = time.monotonic()
        try:
            self._start()
        finally:
            self.costs["starts"] += 1
            self.costs["start_seconds"] += time.monotonic() - started

    def _start(self) -> None:
        self.restarts += 1
        if self.restarts > self.limits.max_restarts:
            raise SandboxFailure(f"the evaluator was restarted {self.limits.max_restarts} times; giving up")
        entries, source_buffers = self.sources()
        self.running = ""  # no student code runs while the evaluator starts: a death then is not evidence
        request_r, request_w = os.pipe()
        reply_r, reply_w = os.pipe()
        evidence_r, evidence_w = os.pipe()
        os.set_blocking(evidence_r, False)
        isolated, _ = namespaces.status()
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
        if isolated:  # scratch: a tmpfs inside the evaluator's own mount view; it vanishes with it
            scratch, cwd = namespaces.SCRATCH, None
        else:  # under the grading run's temporary folder ($TMPDIR), removed with it whatever happens
            self._scratch = scratch = cwd = tempfile.mkdtemp(prefix="gradkit-sandbox-")
        setup = {"files": {e.name: e.file for e in EXERCISES.values()}, "limits": self.limits.to_dict(),
                 "scratch": scratch, "parent": None if isolated else os.getpid()}
        args = [str(request_r), str(reply_w), str(evidence_w), json.dumps(setup)]
        if isolated:
            command = namespaces.command([*namespaces.bootstrap("gradkit.batch.evaluator"), *args], env)
        else:  # this kit's evaluator, not whichever gradkit is installed (-I ignores PYTHONPATH)
            command = [sys.executable, *namespaces.bootstrap("gradkit.batch.evaluator"), *args]
        self.process = subprocess.Popen(
            command, pass_fds=(request_r, reply_w, evidence_w), start_new_session=True, env=env, cwd=cwd,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        self.isolated = isolated
        for fd in (request_r, reply_w, evidence_w):
            os.close(fd)
        self._fds = (request_w, reply_r)
        self._evidence = evidence_r
        self.generation += 1
        self.layers.clear()
        self.synced.clear()
        self.synced_arrays.clear()
        self.synced_keys.clear()
        self.proxies.clear()  # handles start again at 1 in the new process
        self.pending_release.clear()
        try:
            write_frame(request_w, {"sources": entries}, source_buffers, time.monotonic() + STARTUP_SECONDS)
            ready, _ = read_frame(reply_r, time.monotonic() + STARTUP_SECONDS)
        except (ProtocolError, TimeoutError, OSError) as error:
            detail = self._stop()
            raise SandboxFailure(f"the sandboxed evaluator did not start ({error}){detail}") from None
        self.sandbox = ready.get("sandbox", {}) if isinstance(ready, dict) else {}
        if isinstance(self.sandbox, dict):
            self.sandbox["namespaces"] = namespaces.status()[1]

    def _stop(self) -> str:
        """Kill the evaluator's process group and clean up; return stderr text from a failed start."""
        detail = ""
        if self.process is not None:
            self.costs["cpu_seconds"] = self.costs.get("cpu_seconds", 0.0) + _tree_cpu_seconds(self.process.pid)
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.process.wait()
            self._record_kill(self.process.returncode)
            if self.process.stderr is not None:
                text = self.process.stderr.read(4000).decode(errors="replace").strip()
                detail = f": {text.splitlines()[-1]}" if text else ""
                self.process.stderr.close()
                self.process.stderr = None
        self._read_evidence()
        if self._evidence is not None:
            os.close(self._evidence)
            self._evidence = None
        if self._fds is not None:
            for fd in self._fds:
                forget(fd)
                os.close(fd)
            self._fds = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
        return detail

    def close(self) -> None:
        if self.process is not None and self._fds is not None:
            try:
                write_frame(self._fds[0], {"op": "exit"}, [], time.monotonic() + 1)
            except (OSError, ProtocolError, TimeoutError):
                pass
        self._stop()
        self.process = None

    def alive(self) -> bool:
        return self.process is not None and self._fds is not None and self.process.poll() is None

    def new_test(self) -> None:
        """A new graded test starts: forget an earlier death (the next call starts a fresh evaluator)."""
        self.poisoned = None

    # ---- requests -------------------------------------------------------------------------------
    def request(self, message: dict[str, Any], *, seconds: float,
                ignore_poison: bool = False) -> tuple[dict[str, Any], list[bytes]]:
        """Send one request and read its reply; any failure kills the evaluator and raises SandboxFailure.

        Every call of the submission draws on one time budget (`Limits.budget_seconds`): a call gets
        at most what is left, and once it is used up the remaining calls fail at once, each noted as cut.
        """
        entered, starting = time.perf_counter(), self.costs["start_seconds"]
        try:
            return self._request(message, seconds=seconds, ignore_poison=ignore_poison)
        finally:
            self.costs["request_seconds"] += time.perf_counter() - entered - (self.costs["start_seconds"] - starting)

    def _request(self, message: dict[str, Any], *, seconds: float,
                 ignore_poison: bool) -> tuple[dict[str, Any], list[bytes]]:
        """`request`, whose time (an evaluator's start left out) `costs` adds up."""
        if self.poisoned and not ignore_poison:
            raise EarlierFailure(f"{self.poisoned} earlier in this test; not run again")
        left = self.limits.budget_seconds - self.spent
        if left <= 0:
            self._note_cut()
            raise BudgetUsedUp(f"not run: the submission used up its time budget ({self.limits.budget_seconds:g} s "
                               "for all its calls)")
        if not self.alive():
            if self.process is not None:
                self._stop()
            self.start()
        assert self._fds is not None
        if self.pending_release:
            message["release"], self.pending_release = self.pending_release, []
        buffers: list[bytes] = []
        self.codec.seen = []
        self.next_id += 1
        name = self._call_name(message)
        self.running = f"in {name}"
        message = {**self._encode_fields(message, buffers), "id": self.next_id}
        budget_bound = left < seconds
        seconds = min(seconds, left)
        started = time.monotonic()
        deadline = started + seconds
        reply: Any = None
        try:
            write_frame(self._fds[0], message, buffers, deadline)
            reply, reply_buffers = read_frame(self._fds[1], deadline)
            if not isinstance(reply, dict):
                raise ProtocolError("a reply that is not an object")
            if reply.get("id") != self.next_id:
                self.events.append("a reply to another request (student code wrote to the protocol pipe)")
                raise ProtocolError("a reply to another request: student code wrote to the sandbox's pipe")
            return reply, reply_buffers
        except PeerGone:
            reason = self._reason_for_silence()
            self._die(reason)
            raise ProcessDied(reason if reason == FORBIDDEN_CALL else f"the call never returned: {reason}") from None
        except TimeoutError:
            if budget_bound:
                self._note_cut()
                self._die(f"the submission used up its time budget ({self.limits.budget_seconds:g} s)")
                raise BudgetUsedUp(f"the call was stopped: the submission used up its time budget "
                                   f"({self.limits.budget_seconds:g} s for all its calls)") from None
            self._die(f"a call did not return within {seconds:g} s")
            raise CallTimeout(f"the call did not return within {seconds:g} s (an infinite loop?)") from None
        except ProtocolError as error:
            self._die("it sent an unreadable reply")
            raise BadReply(f"the sandbox sent an unreadable reply ({error})") from None
        except BaseException:
            # The grader's own time budget (checker.guard's alarm) or Ctrl-C interrupted the wait.
            self._die("it did not return in time")
            raise
        finally:
            self.running = f"after {name}"  # a thread of student code may still run
            elapsed = time.monotonic() - started
            self.spent += elapsed
            took = reply.get("seconds") if isinstance(reply, dict) else None
            self.costs["requests"] += 1
            if isinstance(took, float) and 0 <= took <= elapsed:
                self.costs["student_seconds"] += took
            if (message.get("op") == "call" and message.get("method") in ("forward", "backward")
                    and isinstance(took, float) and 0 <= took <= elapsed):
                key = f"{type(self.proxies.get(message.get('handle'))).__name__}.{message['method']}"
                self.call_seconds[key] = self.call_seconds.get(key, 0.0) + took
            self._read_evidence()

    def _call_name(self, message: dict[str, Any]) -> str:
        """What a request runs, as the student knows it: "ReLU.backward", "the import of relu.py"."""
        op = message.get("op")
        if op == "load":
            exercise = EXERCISES.get(str(message.get("exercise")))
            return f"the import of {exercise.file if exercise else message.get('exercise')}"
        if op == "new":
            return f"{message.get('cls')}.__init__"
        proxy = self.proxies.get(message.get("handle"))
        owner = type(proxy).__name__ if proxy is not None else "an object"
        return f"{owner}.{message.get('method') if op == 'call' else message.get('name')}"

    def _record_kill(self, returncode: int | None) -> None:
        """Note a death by seccomp (SIGSYS) as evidence: the grader sees it, the evaluator has no say in it."""
        if self.running and _death_signal(returncode, self.isolated) == signal.SIGSYS:
            note = _kill_note(self.running)
            if note not in self.refusals:  # bounded by the suite's calls, not by the evidence pipe's cap
                self.refusals.append(note)

    def _note_cut(self) -> None:
        if self.current_test and self.current_test not in self.cut:
            self.cut.append(self.current_test)

    def _read_evidence(self) -> None:
        """Record what the sandbox refused, as it happened (student code cannot take back what was sent)."""
        if self._evidence is None:
            return
        try:
            data = os.read(self._evidence, 1 << 16)
        except (BlockingIOError, OSError):
            return
        *lines, self._evidence_tail = (self._evidence_tail + data).split(b"\n")
        self._evidence_tail = self._evidence_tail[-400:]
        for line in lines:
            item = line.decode("utf-8", "replace").strip()[:200]
            if item and len(self.refusals) < 50 and item not in self.refusals:
                self.refusals.append(item)

    def _encode_fields(self, message: dict[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        out = dict(message)
        if "args" in message:
            out["args"] = self.codec.encode(list(message["args"]), buffers)
            out["kwargs"] = self.codec.encode(dict(message["kwargs"]), buffers)
        if "sync" in message:
            objects = list(message["sync"]) + [o for o in self.codec.seen if not any(o is s for s in message["sync"])]
            out["sync"] = [self._sync_entry(o, buffers) for o in objects]
        return out

    def _sync_entry(self, obj: Any, buffers: list[bytes]) -> list[Any]:
        """One object's params/grads for the evaluator: every key, but only arrays changed since the last sync; an
        attribute as both sides last agreed (the same keys, no array changed or rebound) is left out."""
        kind, key = ("H", obj._handle) if isinstance(obj, RemoteObject) else ("P", id(obj))
        if kind == "P":
            self.layers[key] = obj
        attrs = {}
        for attr in MIRRORED:
            current = getattr(obj, attr, None)
            if not isinstance(current, dict):
                continue
            changed, rebound = {}, []
            for k, item in current.items():
                signature, slot = _signature(item), (kind, key, attr, k)
                if kind == "P":
                    before = self.synced_arrays.get(slot, item)
                    self.synced_arrays[slot] = item
                    if before is not item:
                        rebound.append(k)
                        changed[k] = item
                        self.synced[slot] = signature
                        continue
                if signature is None or self.synced.get(slot) != signature:
                    changed[k] = item
                    self.synced[slot] = signature
            keys = list(current)
            if not changed and self.synced_keys.get((kind, key, attr)) == keys:
                continue  # as both sides last agreed: nothing to send
            self.synced_keys[(kind, key, attr)] = keys
            attrs[attr] = {"keys": self.codec.encode(keys, buffers),
                           "changed": self.codec.encode(changed, buffers),
                           "rebound": self.codec.encode(rebound, buffers)}
        return [kind, key, type(obj).__name__, attrs]

    def _reason_for_silence(self) -> str:
        """Why the evaluator closed its pipe: its exit status, or "closed its pipe" if it still runs."""
        assert self.process is not None
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "student code closed the sandbox's reply pipe"
        return _exit_reason(self.process.returncode, self.limits, self.isolated)

    def _die(self, reason: str) -> None:
        if reason not in self.events and len(self.events) < 20:
            self.events.append(reason)
        self.poisoned = f"the sandboxed evaluator stopped ({reason})"
        self._stop()
        self.process = None

    # ---- replies --------------------------------------------------------------------------------
    def decode(self, tree: Any, buffers: list[bytes]) -> Any:
        try:
            return self.codec.decode(tree, buffers)
        except (ProtocolError, RecursionError, ValueError, TypeError) as error:
            self._die("it sent an unreadable reply")
            raise BadReply(f"the sandbox sent an unreadable reply ({error})") from None

    def apply_state(self, state: Any, buffers: list[bytes]) -> None:
        """Mirror the student's params/grads into the proxies and the grader's layers."""
        if not isinstance(state, list):
            self._die("it sent an unreadable reply")
            raise BadReply("the sandbox sent an unreadable reply (state)")
        for entry in state:
            if not (isinstance(entry, list) and len(entry) == 3 and entry[0] in ("H", "P")
                    and isinstance(entry[1], int) and isinstance(entry[2], dict)):
                self._die("it sent an unreadable reply")
                raise BadReply("the sandbox sent an unreadable reply (state entry)")
            kind, key, attrs = entry
            obj = self.proxies.get(key) if kind == "H" else self.layers.get(key)
            if obj is None:
                continue
            for attr in MIRRORED:
                if isinstance(attrs.get(attr), dict):
                    self._apply_attr(obj, attr, attrs[attr], kind, key, buffers)

    def _apply_attr(self, obj: Any, attr: str, info: dict[str, Any], kind: str, key: int,
                    buffers: list[bytes]) -> None:
        """Mirror one attribute: the evaluator sent every key, and the arrays that changed."""
        self.synced_keys.pop((kind, key, attr), None)
        if info.get("missing"):
            if attr in vars(obj):
                delattr(obj, attr)
            return
        value = self.decode(info.get("value"), buffers)
        current = getattr(obj, attr, None)
        if not isinstance(value, dict) or "keys" not in info:
            setattr(obj, attr, value)
            return
        keys = self.decode(info["keys"], buffers)
        replaced = self.decode(info.get("replaced", []), buffers)
        if not isinstance(keys, list) or not isinstance(replaced, list):
            self._die("it sent an unreadable reply")
            raise BadReply("the sandbox sent an unreadable reply (keys)")
        try:
            missing = set(keys) - set(value)
        except TypeError:
            missing = {None}
        if info.get("dict_replaced") or not isinstance(current, dict):
            if missing:  # a new dict must arrive whole
                self._die("it sent an unreadable reply")
                raise BadReply("the sandbox sent an unreadable reply (partial new dict)")
            current = {}
            setattr(obj, attr, current)
        for k in [k for k in current if k not in keys]:
            del current[k]
        self.synced_keys[(kind, key, attr)] = list(keys)
        for k, item in value.items():
            self.synced[(kind, key, attr, k)] = _signature(item)
            mine = current.get(k)
            same_array = (isinstance(mine, np.ndarray) and isinstance(item, np.ndarray)
                          and mine.shape == item.shape and mine.dtype == item.dtype)
            if k in replaced or not same_array:
                current[k] = item
            else:
                try:
                    np.copyto(mine, item)
                except ValueError:  # a read-only array of the grader's: keep the student's values anyway
                    current[k] = item

    def adopt(self, handle: int, name: str) -> RemoteObject:
        """A proxy for a student object the evaluator returned without our asking (methods found on use)."""
        cls = type(name if name.isidentifier() else "StudentObject", (RemoteObject,), {})
        proxy = object.__new__(cls)
        proxy._bind(self, handle, {})
        return proxy


class RemoteObject:
    """Base of every proxy: the handle of the student object in the current evaluator."""

    _evaluator: Evaluator
    _handle: int
    _generation: int
    _links: list[Any]
    _info: dict[str, Any]

    def _bind(self, evaluator: Evaluator, handle: int, info: dict[str, Any]) -> None:
        object.__setattr__(self, "_evaluator", evaluator)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_generation", evaluator.generation)
        object.__setattr__(self, "_links", [])
        object.__setattr__(self, "_info", info)
        evaluator.proxies[handle] = self

    def __del__(self) -> None:
        evaluator = getattr(self, "_evaluator", None)
        if evaluator is not None and self._generation == evaluator.generation:
            evaluator.pending_release.append(self._handle)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} (sandboxed)>"

    def __setattr__(self, name: str, value: Any) -> None:
        """`optimizer.lr = 0.05` (a schedule) sets the attribute on the student's object, as in-process."""
        if name.startswith("_") or name in MIRRORED:  # the proxy's own state, and its mirror of params/grads
            object.__setattr__(self, name, value)
        else:
            self._remote_call("__setattr__", (name, value), {})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in MIRRORED:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        reply, buffers = self._evaluator.request({"op": "getattr", "handle": self._handle, "name": name},
                                                 seconds=self._evaluator.limits.call_seconds)
        if not reply.get("ok"):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        if reply.get("callable"):  # a method the class listing did not show (set on the instance, say)
            return lambda *args, **kwargs: self._remote_call(name, args, kwargs)
        return self._evaluator.decode(reply.get("value"), buffers)

    def _remote_call(self, method: str, args: tuple, kwargs: dict) -> Any:
        evaluator = self._evaluator
        if self._generation != evaluator.generation or evaluator.poisoned:
            reason = evaluator.poisoned or "the sandboxed evaluator restarted after an earlier failure"
            _raise_from_method(EarlierFailure(f"{reason}; this object is gone"), self._info, method)
        message = {"op": "call", "handle": self._handle, "method": method, "args": args, "kwargs": kwargs,
                   "sync": [self, *self._links]}
        try:
            reply, buffers = evaluator.request(message, seconds=evaluator.limits.call_seconds)
            self._remember_links(evaluator.codec.seen)
            return _finish(evaluator, reply, buffers, args, self._info, method)
        except SandboxFailure as failure:
            _raise_from_method(failure, self._info, method)

    def _remember_links(self, seen: list[Any]) -> None:
        for obj in seen:
            if obj is not self and not any(obj is known for known in self._links):
                self._links.append(obj)


def _finish(evaluator: Evaluator, reply: dict[str, Any], buffers: list[bytes], args: tuple,
            info: dict[str, Any], method: str) -> Any:
    """Apply a call's reply: mirror state and mutated arguments, then return the value or raise."""
    entered = time.perf_counter()
    try:
        return _apply_reply(evaluator, reply, buffers, args, info, method)
    finally:
        evaluator.costs["request_seconds"] += time.perf_counter() - entered


def _apply_reply(evaluator: Evaluator, reply: dict[str, Any], buffers: list[bytes], args: tuple,
                 info: dict[str, Any], method: str) -> Any:
    evaluator.apply_state(reply.get("state", []), buffers)
    for entry in reply.get("args_after", []) if isinstance(reply.get("args_after"), list) else []:
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int) and 0 <= entry[0] < len(args):
            original, after = args[entry[0]], evaluator.decode(entry[1], buffers)
            if isinstance(original, np.ndarray) and isinstance(after, np.ndarray) and original.size == after.size:
                try:
                    if original.shape != after.shape:
                        original.shape = after.shape
                    original[...] = after.astype(original.dtype, copy=False)
                except (AttributeError, ValueError, TypeError):
                    pass
    if reply.get("ok"):
        return evaluator.decode(reply.get("value"), buffers)
    _reraise(reply.get("exc"), info, method)


def _reraise(exc: Any, info: dict[str, Any], method: str) -> None:
    """Raise, here, what the student's code raised there (type name, message, file and line)."""
    if not isinstance(exc, dict):
        raise BadReply("the sandbox sent an unreadable reply (exception)")
    message = str(exc.get("message", ""))[:4000]
    kind = exc.get("kind")
    if kind == "notimpl":
        error: BaseException = NotImplementedError(message)
    elif kind == "exit":
        code = exc.get("code")
        error = SystemExit(code if isinstance(code, (int, str, type(None))) else str(code))
    else:
        name = str(exc.get("type", "Exception"))[:80]
        if name == "MemoryError" and not message:
            message = f"out of memory (the sandbox allows {info.get('memory_mb', '?')} MiB)"
        line = exc.get("line")
        if exc.get("file") != info.get("file") or not isinstance(line, int) or not 0 < line < 10**7:
            line = info.get("lines", {}).get(method, 1)
        raise _located(name, message, info, line)
    raise error


def _raise_from_method(failure: SandboxFailure, info: dict[str, Any], method: str) -> None:
    """Raise a sandbox failure at the method's `def` line, the only place in student code we know."""
    raise _located(type(failure).__name__, str(failure), info, info.get("lines", {}).get(method, 1)) from None


def _located(type_name: str, message: str, info: dict[str, Any], line: int) -> RemoteError:
    """The student's error as plain data, with the text of its line from the source the evaluator read (this
    process never opens the student's file)."""
    source = info.get("source") if isinstance(info.get("source"), str) else ""
    lines = source.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return RemoteError(type_name, message, info.get("file"), line if info.get("file") else None, text)


def _method(name: str):
    """A proxy method: calls `name` on the student's object in the evaluator (`__init__` constructs it there)."""
    if name == "__init__":
        def function(self, *args, **kwargs):
            self._construct(args, kwargs)
    else:
        def function(self, *args, **kwargs):
            return self._remote_call(name, args, kwargs)
    function.__name__ = function.__qualname__ = name
    return function


class RemoteClassBase(RemoteObject):
    """Base of the proxy class made for each exercise's student class."""

    _exercise: Exercise
    _class_info: dict[str, Any]
    _class_evaluator: Evaluator

    def _construct(self, args: tuple, kwargs: dict) -> None:
        evaluator = self._class_evaluator
        exercise = self._exercise
        message = {"op": "new", "exercise": exercise.name, "cls": exercise.cls, "args": args, "kwargs": kwargs,
                   "sync": []}
        try:
            reply, buffers = evaluator.request(message, seconds=evaluator.limits.call_seconds)
            seen = list(evaluator.codec.seen)
            if reply.get("ok") and isinstance(reply.get("handle"), int):
                self._bind(evaluator, reply["handle"], self._class_info)
                self._remember_links(seen)
            _finish(evaluator, reply, buffers, args, self._class_info, "__init__")
        except SandboxFailure as failure:
            _raise_from_method(failure, self._class_info, "__init__")


def trusted_reference() -> Implementation | None:
    """The kit's reference solutions (None where they are not installed: then the student-side checks apply)."""
    try:
        return load_implementation("solutions")
    except CheckFailure:
        return None


class SandboxedImplementation:
    """The student classes of a submission folder, as proxies (the graded suite's `impl`)."""

    def __init__(self, folder: str | Path, limits: Limits | None = None):
        self.folder = Path(folder).resolve()
        self.spec = str(folder)
        self.limits = limits or Limits()
        # The grade of record judges against the kit's own reference, which runs here (trusted code):
        # gradients by finite differences of the reference's forward, forward values on fresh random inputs.
        self.reference = trusted_reference()
        self.evaluator = Evaluator(self.folder, self.limits)
        self._classes: dict[str, type | CheckFailure] = {}

    def __repr__(self) -> str:
        return f"SandboxedImplementation({self.spec!r})"

    def close(self) -> None:
        self.evaluator.close()

    def cls(self, exercise: Exercise) -> type:
        if exercise.name not in self._classes:
            self._classes[exercise.name] = self._load(exercise)
        found = self._classes[exercise.name]
        if isinstance(found, CheckFailure):
            raise found
        return found

    def __getattr__(self, name: str) -> type:
        if name.startswith("_"):
            raise AttributeError(name)
        for exercise in EXERCISES.values():
            if exercise.cls == name:
                return self.cls(exercise)
        raise AttributeError(name)

    def _load(self, exercise: Exercise) -> type | CheckFailure:
        where = display_path(self.folder / exercise.file)
        poisoned = self.evaluator.poisoned
        try:
            reply, _ = self.evaluator.request({"op": "load", "exercise": exercise.name, "cls": exercise.cls},
                                              seconds=self.limits.call_seconds, ignore_poison=True)
        except SandboxFailure as failure:
            self.evaluator.poisoned = poisoned  # an import-time crash fails this exercise's checks only
            if isinstance(failure, CallTimeout):
                return StudentTimeout(f"{where} does not import: importing it did not finish within "
                                      f"{self.limits.call_seconds:g} s (an infinite loop at module level?)")
            return StudentCodeError(f"{where} does not import: {failure}")
        if reply.get("ok") is not True:
            return self._load_failure(exercise, where, reply)
        return self._make_class(exercise, reply)

    def _load_failure(self, exercise: Exercise, where: str, reply: dict[str, Any]) -> CheckFailure:
        problem = reply.get("problem")
        if problem == "missing":
            return CheckFailure(f"missing file: {where} (a submission holds the course's exercise files)")
        if problem == "syntax":
            return StudentCodeError(f"{where} does not import: SyntaxError at line {reply.get('line')}: "
                                    f"{str(reply.get('detail'))[:300]}")
        if problem == "import":
            error = reply.get("error") if isinstance(reply.get("error"), dict) else {}
            line = f" (line {error['line']})" if isinstance(error.get("line"), int) else ""
            name = str(error.get("type", "Exception"))[:80]
            text = f"{name}: {str(error.get('message', ''))[:1000]}"
            if error.get("kind") == "exit":
                text = f"SystemExit: {error.get('code')!r}"
            return StudentCodeError(f"{where} does not import: {text}{line}")
        if problem == "no_class":
            return CheckFailure(f"{where} defines no class {exercise.cls} (the exercise contract names it)")
        return CheckFailure(f"{where} cannot be graded: it {str(reply.get('detail', problem))[:300]}")

    def _make_class(self, exercise: Exercise, reply: dict[str, Any]) -> type:
        file = str(self.folder / exercise.file)
        lines = reply.get("lines") if isinstance(reply.get("lines"), dict) else {}
        info = {"file": file, "source": reply.get("source") if isinstance(reply.get("source"), str) else "",
                "lines": {k: v for k, v in lines.items() if isinstance(k, str) and isinstance(v, int)},
                "memory_mb": self.limits.memory_mb}
        # `__student_file__` names the student's file for the checker's messages (checker.guard.method_label).
        namespace: dict[str, Any] = {"_exercise": exercise, "_class_info": info, "_class_evaluator": self.evaluator,
                                     "__student_file__": file, "__init__": _method("__init__")}
        for name in info["lines"]:
            if name.isidentifier() and not name.startswith("_") and name not in MIRRORED:
                namespace[name] = _method(name)
        name = str(reply.get("cls", exercise.cls))
        return type(name if name.isidentifier() else exercise.cls, (RemoteClassBase,), namespace)
