"""Start other processes: a shell, a fork, a Python child writing a marker file and fake results."""

import os
import subprocess
import sys

SCRIPT = "open('{MARKER}', 'w').write('escaped')"


def _spawn():
    attempts = [
        lambda: subprocess.run([sys.executable, "-c", SCRIPT], timeout=10),
        lambda: os.system(f"{sys.executable} -c \"{SCRIPT}\""),
        lambda: os.posix_spawn(sys.executable, [sys.executable, "-c", SCRIPT], dict(os.environ)),
    ]
    for attempt in attempts:
        try:
            attempt()
        except Exception:
            pass
    try:
        if os.fork() == 0:
            open("{MARKER}", "w").write("forked")
            os._exit(0)
    except Exception:
        pass


_spawn()


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        _spawn()
        raise NotImplementedError("write ReLU.forward")

    def backward(self, dout):
        raise NotImplementedError("write ReLU.backward")
