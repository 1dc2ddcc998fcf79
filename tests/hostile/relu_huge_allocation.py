"""Allocate far more memory than the machine has."""

import numpy as np


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        hoard = [bytearray(2**30) for _ in range(64)]  # 64 GiB, touched page by page
        return np.ones((2**40,)) if hoard else x

    def backward(self, dout):
        raise NotImplementedError("write ReLU.backward")
