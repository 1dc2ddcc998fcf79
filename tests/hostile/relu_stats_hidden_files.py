"""Learn about files it may not read: stat() the solutions, the hidden tests, a classmate's file, the results,
and smuggle what it learns out in its own feedback (the failure message)."""

import os

TARGETS = ["{SOLUTIONS}/relu.py", "{HIDDEN}/test_relu_hidden.py", "{OTHER}/relu.py", "{RESULTS_DIR}", "{SUBMISSIONS}"]


def _look():
    seen = []
    for target in TARGETS:
        try:
            info = os.stat(target)
            seen.append(f"{os.path.basename(target)}:{info.st_size}:{int(info.st_mtime)}")
        except Exception:
            pass
    return seen


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        raise NotImplementedError(f"write ReLU.forward (saw {_look()})")

    def backward(self, dout):
        raise NotImplementedError("write ReLU.backward")
