"""A correct ReLU that sleeps just under the per-call limit in every forward: it would hold a worker for minutes."""

import time

import numpy as np


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        time.sleep({CALL_SECONDS} * 0.8)
        self.x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * (self.x > 0)
