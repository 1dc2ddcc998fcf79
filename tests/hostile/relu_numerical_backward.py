"""A ReLU whose backward differentiates its own forward numerically (two forwards per input entry).

Its gradients are right to about 1e-10, so it earns full marks: the grader cannot prove the backward was not
derived. It is noticed instead: backward takes far longer than forward, and grades.csv flags it for the
instructor.
"""

import numpy as np


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.x = x.copy()
        return np.maximum(x, 0)

    def backward(self, dout):
        x, h = self.x.astype(np.float64), 1e-6
        dx = np.zeros_like(x)
        for index in np.ndindex(*x.shape):
            step = np.zeros_like(x)
            step[index] = h
            slope = (np.maximum(x + step, 0) - np.maximum(x - step, 0)) / (2 * h)
            dx[index] = np.sum(slope * dout)
            for _ in range(20):  # a real one calls a costlier forward: make it cost what a conv's would
                np.maximum(x + step, 0)
        return dx.astype(self.x.dtype)
