"""ReLU forward overwrites its input (`np.maximum(x, 0, out=x)`).

The output is right, but the caller's x (for a conv-ReLU net, the conv output the conv layer may still hold) is
overwritten. The trap named in the exercise docstring.
"""

import numpy as np

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="x (mutated)", hint="mutation")


class ReLU(Reference):
    def forward(self, x):
        self.mask = x > 0
        return np.maximum(x, 0, out=x)  # BUG: out=x overwrites the caller's array
