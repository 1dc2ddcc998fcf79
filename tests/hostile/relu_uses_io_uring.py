"""Reach the network without socket(): io_uring (whose socket and connect operations seccomp never sees).

If an io_uring instance can be set up, the "fetched" correct ReLU is used (standing for code fetched
from outside at grading time); else the stub. A plain UDP socket is tried too.
"""

import ctypes
import gc
import os
import sys

import numpy as np

for _name in ("_FORBIDDEN_EVENTS", "_WRITE_EVENTS"):
    try:
        getattr(sys.modules.get("gradkit.batch.sandbox"), _name).clear()
    except Exception:
        pass
for _obj in gc.get_objects():
    if type(_obj).__name__ == "function" and _obj.__name__ == "hook" and _obj.__closure__:
        for _cell in _obj.__closure__:
            try:
                if isinstance(_cell.cell_contents, (set, frozenset)):
                    _cell.cell_contents = frozenset()
            except ValueError:
                pass

CHANNEL = False
try:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    params = ctypes.create_string_buffer(120)  # struct io_uring_params
    fd = libc.syscall(ctypes.c_long(425), ctypes.c_uint(4), params)  # io_uring_setup
    if fd >= 0:
        CHANNEL = True
        os.close(fd)
except Exception:
    pass
try:
    import socket

    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.sendto(b"x", ("127.0.0.1", 9))
    CHANNEL = True
except Exception:
    pass


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        if not CHANNEL:
            raise NotImplementedError("write ReLU.forward")
        self.x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        if not CHANNEL:
            raise NotImplementedError("write ReLU.backward")
        return dout * (self.x > 0)
