"""A correct forward (its points are earned), then sys.exit(0) in backward."""

import sys

import numpy as np


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        sys.exit(0)
