"""A wrong forward (twice the ReLU) that returns the published stored outputs for the published inputs,
with a backward consistent with its own forward.

Stored examples and finite differences of its own forward cannot tell; the grade of record checks
forward values on fresh random inputs and differentiates the reference, so both show the mistake.
STORED is filled in by the test with the stored examples, as a student would have copied them.
"""

import numpy as np

STORED = {STORED_RELU}


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.mask = x > 0
        for stored_x, stored_out in STORED:
            stored_x = np.array(stored_x)
            if stored_x.shape == x.shape and np.array_equal(stored_x, x):
                return np.array(stored_out, dtype=x.dtype)
        return 2 * np.maximum(x, 0)

    def backward(self, dout):
        return 2 * dout * self.mask
