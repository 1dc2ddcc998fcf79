"""The wire format between the grader and the sandboxed evaluator: JSON headers plus raw array bytes.

Why not pickle: unpickling runs code chosen by whoever wrote the bytes, and the evaluator runs student
code. Everything the grader reads from the evaluator goes through `Codec.decode`, which only builds
plain values (None, bool, int, float, str, list, tuple, dict), numeric NumPy arrays and scalars, and
the few tagged objects its subclass allows. Sizes are capped before anything is allocated.

A frame is::

    !I header length | header: UTF-8 JSON {"msg": ..., "n": number of buffers} | n x (!Q length | bytes)

Tagged values inside a message are one-key dicts: ``{"A": [i, dtype, shape]}`` an array stored in
buffer i, ``{"S": [i, dtype]}`` a NumPy scalar, ``{"T": [...]}`` a tuple, ``{"D": [[k, v], ...]}`` a
dict (keys of any encodable type), ``{"O": shape}`` an object array (its items are not sent),
``{"X": type name}`` any other object (only its type name crosses), ``{"N": [[key, i, dtype, shape],
...]}`` a dict of str keys to arrays (params and grads, the hot path). Subclasses add tags (handles).
"""

from __future__ import annotations

import functools
import json
import math
import os
import select
import struct
import time
from typing import Any, ClassVar

import numpy as np

MAX_HEADER_BYTES = 16 * 2**20
MAX_PAYLOAD_BYTES = 256 * 2**20  # all buffers of one frame together
MAX_DEPTH = 40
MAX_ITEMS = 200_000  # list, tuple and dict entries in one message
MAX_STRING = 20_000  # characters kept of any string (messages, names)
PIPE_BYTES = 1 << 16  # what a pipe holds: one read never brings more (a larger buffer costs an mmap per read)
_HEADER_SIZE, _BUFFER_SIZE = struct.Struct("!I"), struct.Struct("!Q")
_ENCODER = json.JSONEncoder(separators=(",", ":"))  # made once: json.dumps with options makes one per call
_DECODER = json.JSONDecoder()
_NUMERIC_KINDS = "biufc"  # bool, signed, unsigned, float, complex


class ProtocolError(Exception):
    """A frame that is malformed, too large, or arrived too late; the other side cannot be trusted further."""


class PeerGone(ProtocolError):
    """The other end closed its pipe (the evaluator exited or was killed)."""


def _deadline_left(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("no reply before the deadline")
    return left


class _Buffered:
    """Bytes read from one pipe but not consumed yet (one read syscall usually brings a whole frame)."""

    pending: ClassVar[dict[int, bytearray]] = {}


def _fill(fd: int, pending: bytearray, end: int, deadline: float | None) -> None:
    """Read from `fd` until `pending` holds at least `end` bytes."""
    while len(pending) < end:
        if deadline is not None:  # without a deadline (the evaluator waiting for work) just block
            ready, _, _ = select.select([fd], [], [], _deadline_left(deadline))
            if not ready:
                raise TimeoutError("no reply before the deadline")
        chunk = os.read(fd, max(end - len(pending), PIPE_BYTES))
        if not chunk:
            raise PeerGone("the other end closed the pipe")
        pending += chunk


def forget(fd: int) -> None:
    """Drop what was buffered for a pipe that is being closed."""
    _Buffered.pending.pop(fd, None)


def _write_all(fd: int, data: bytes | memoryview, deadline: float | None) -> None:
    view = memoryview(data)
    while view:
        if deadline is not None:  # without a deadline (the evaluator replying) the write may just block
            _, ready, _ = select.select([], [fd], [], _deadline_left(deadline))
            if not ready:
                raise TimeoutError("the other end does not read")
        try:
            written = os.write(fd, view[: 1 << 16])
        except BrokenPipeError:
            raise PeerGone("the other end closed the pipe") from None
        view = view[written:]


def write_frame(fd: int, msg: Any, buffers: list[bytes], deadline: float | None = None) -> None:
    """Send one message (already encoded: JSON-able) and its array buffers."""
    header = _ENCODER.encode({"msg": msg, "n": len(buffers)}).encode()
    parts = [_HEADER_SIZE.pack(len(header)), header]
    for buffer in buffers:
        parts += [_BUFFER_SIZE.pack(len(buffer)), buffer]
    _write_all(fd, b"".join(parts), deadline)


def read_frame(fd: int, deadline: float | None = None, max_payload: int = MAX_PAYLOAD_BYTES) -> tuple[Any, list[bytes]]:
    """Receive one message and its buffers; raise ProtocolError (never allocate) when sizes exceed the caps."""
    pending = _Buffered.pending.setdefault(fd, bytearray())
    _fill(fd, pending, _HEADER_SIZE.size, deadline)
    (size,) = _HEADER_SIZE.unpack_from(pending)
    if size > MAX_HEADER_BYTES:
        raise ProtocolError(f"header of {size} bytes (limit {MAX_HEADER_BYTES})")
    end = _HEADER_SIZE.size + size
    _fill(fd, pending, end, deadline)
    try:
        header = _DECODER.decode(pending[_HEADER_SIZE.size:end].decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"unreadable header: {error}") from None
    if not isinstance(header, dict) or not isinstance(header.get("n"), int) or not 0 <= header["n"] <= MAX_ITEMS:
        raise ProtocolError("header without a valid buffer count")
    buffers, total = [], 0
    for _ in range(header["n"]):
        _fill(fd, pending, end + _BUFFER_SIZE.size, deadline)
        (length,) = _BUFFER_SIZE.unpack_from(pending, end)
        total += length
        if total > max_payload:
            raise ProtocolError(f"arrays of more than {max_payload // 2**20} MiB in one reply")
        start, end = end + _BUFFER_SIZE.size, end + _BUFFER_SIZE.size + length
        _fill(fd, pending, end, deadline)
        buffers.append(bytes(pending[start:end]))
        if end > PIPE_BYTES:  # a large frame: keep only what is not read yet
            del pending[:end]
            end = 0
    del pending[:end]
    return header.get("msg"), buffers


def _dtype(text: Any) -> np.dtype:
    """A numeric, non-structured dtype from its string form, or ProtocolError."""
    if not isinstance(text, str) or len(text) > 8:
        raise ProtocolError(f"bad dtype {text!r}")
    return _numeric_dtype(text)


@functools.lru_cache(maxsize=64)  # a frame names a handful of dtypes, each thousands of times; errors are not kept
def _numeric_dtype(text: str) -> np.dtype:
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise ProtocolError(f"bad dtype {text!r}") from None
    if dtype.kind not in _NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ProtocolError(f"dtype {text!r} is not numeric")
    return dtype


def _shape(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or len(value) > 32:
        raise ProtocolError("bad shape")
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 2**40 for n in value):
        raise ProtocolError("bad shape")
    return tuple(value)


def type_name(obj: Any) -> str:
    """The name of obj's type, cut to something printable."""
    return str(getattr(type(obj), "__name__", "object"))[:80]


class Codec:
    """Turns values into JSON-able trees plus buffers and back. `decode` trusts nothing it reads."""

    def __init__(self) -> None:
        self._opaque_types: dict[str, type] = {}

    # ---- encoding -------------------------------------------------------------------------------
    def encode(self, value: Any, buffers: list[bytes], depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            return {"X": "deeply nested object"}
        if value is None or isinstance(value, (bool, str)):
            return value[:MAX_STRING] if isinstance(value, str) else value
        if isinstance(value, int):
            return int(value) if abs(int(value)) < 10**300 else {"X": "int"}
        if isinstance(value, float) and not isinstance(value, np.generic):
            return float(value)
        if isinstance(value, np.ndarray):
            return self._encode_array(value, buffers)
        if isinstance(value, np.generic):
            if value.dtype.kind not in _NUMERIC_KINDS:
                return {"X": type_name(value)}
            buffers.append(np.asarray(value).tobytes())
            return {"S": [len(buffers) - 1, value.dtype.str]}
        if isinstance(value, list):
            return [self.encode(v, buffers, depth + 1) for v in value[:MAX_ITEMS]]
        if isinstance(value, tuple):
            return {"T": [self.encode(v, buffers, depth + 1) for v in value[:MAX_ITEMS]]}
        if isinstance(value, dict):
            if all(type(k) is str and type(v) is np.ndarray and v.dtype.kind in _NUMERIC_KINDS
                   for k, v in value.items()):
                return {"N": [self._flat_entry(k, v, buffers) for k, v in value.items()]}  # params/grads: fast
            items = list(value.items())[:MAX_ITEMS]
            return {"D": [[self.encode(k, buffers, depth + 1), self.encode(v, buffers, depth + 1)] for k, v in items]}
        tagged = self.encode_object(value, buffers)
        return tagged if tagged is not None else {"X": type_name(value)}

    @staticmethod
    def _flat_entry(key: str, value: np.ndarray, buffers: list[bytes]) -> list[Any]:
        buffers.append(np.ascontiguousarray(value).tobytes())
        return [key[:MAX_STRING], len(buffers) - 1, value.dtype.str, list(value.shape)]

    def _encode_array(self, value: np.ndarray, buffers: list[bytes]) -> Any:
        plain = np.asarray(value)  # an ndarray subclass crosses as its plain data, never its overrides
        if plain.dtype.kind == "O":
            return {"O": list(plain.shape)}
        if plain.dtype.kind not in _NUMERIC_KINDS or plain.dtype.fields is not None:
            return {"X": "ndarray"}
        if plain.flags.f_contiguous and not plain.flags.c_contiguous:  # column-major crosses as such (the grader
            buffers.append(plain.tobytes(order="F"))                   # checks code on both memory orders)
            return {"A": [len(buffers) - 1, plain.dtype.str, list(plain.shape), "F"]}
        buffers.append(np.ascontiguousarray(plain).tobytes())
        return {"A": [len(buffers) - 1, plain.dtype.str, list(plain.shape)]}

    def encode_object(self, value: Any, buffers: list[bytes]) -> Any:
        """A tag for objects the plain encoding does not know (handles, generators); None: opaque."""
        return None

    # ---- decoding -------------------------------------------------------------------------------
    def decode(self, tree: Any, buffers: list[bytes], depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise ProtocolError("message nested too deeply")
        if tree is None or isinstance(tree, (bool, int, float)):
            return tree
        if isinstance(tree, str):
            return tree[:MAX_STRING]
        if isinstance(tree, list):
            if len(tree) > MAX_ITEMS:
                raise ProtocolError("list too long")
            return [self.decode(v, buffers, depth + 1) for v in tree]
        if not isinstance(tree, dict) or len(tree) != 1:
            raise ProtocolError("malformed value")
        ((tag, body),) = tree.items()
        if tag == "A":
            return self._decode_array(body, buffers)
        if tag == "S":
            if not (isinstance(body, list) and len(body) == 2):
                raise ProtocolError("malformed scalar")
            array = self._decode_array([body[0], body[1], []], buffers)
            return array[()]
        if tag == "T":
            if not isinstance(body, list) or len(body) > MAX_ITEMS:
                raise ProtocolError("malformed tuple")
            return tuple(self.decode(v, buffers, depth + 1) for v in body)
        if tag == "D":
            if not isinstance(body, list) or len(body) > MAX_ITEMS:
                raise ProtocolError("malformed dict")
            out = {}
            for pair in body:
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise ProtocolError("malformed dict entry")
                key = self.decode(pair[0], buffers, depth + 1)
                try:
                    out[key] = self.decode(pair[1], buffers, depth + 1)
                except TypeError:  # an unhashable key
                    raise ProtocolError("unhashable dict key") from None
            return out
        if tag == "N":  # a dict of str -> numeric array
            if not isinstance(body, list) or len(body) > MAX_ITEMS:
                raise ProtocolError("malformed array dict")
            out = {}
            for entry in body:
                if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], str)):
                    raise ProtocolError("malformed array dict entry")
                out[entry[0][:MAX_STRING]] = self._decode_array(entry[1:], buffers)
            return out
        if tag == "O":
            return np.full(_shape(body), None, dtype=object) if math.prod(_shape(body)) < MAX_ITEMS else None
        if tag == "X":
            return self.opaque(str(body)[:80])
        return self.decode_tag(tag, body, buffers)

    def _decode_array(self, body: Any, buffers: list[bytes]) -> np.ndarray:
        """[buffer index, dtype, shape] of a row-major array, or with "F" after them, of a column-major one."""
        order = "F" if isinstance(body, list) and len(body) == 4 and body[3] == "F" else "C"
        if order == "F":
            body = body[:3]
        if not (isinstance(body, list) and len(body) == 3 and isinstance(body[0], int)):
            raise ProtocolError("malformed array")
        index, dtype, shape = body[0], _dtype(body[1]), _shape(body[2])
        if not 0 <= index < len(buffers):
            raise ProtocolError("array refers to a missing buffer")
        data = buffers[index]
        if len(data) != math.prod(shape) * dtype.itemsize:
            raise ProtocolError("array size does not match its shape")
        return np.frombuffer(data, dtype=dtype).reshape(shape, order=order).copy(order=order)

    def decode_tag(self, tag: str, body: Any, buffers: list[bytes]) -> Any:
        raise ProtocolError(f"unknown tag {tag!r}")

    def opaque(self, name: str) -> Any:
        """A stand-in instance whose type is called `name` (so messages can say "returned a list")."""
        if name not in self._opaque_types:
            self._opaque_types[name] = type(name, (Opaque,), {})
        return self._opaque_types[name]()


class Opaque:
    """An object the other side holds but did not send (only its type name crossed)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object>"
