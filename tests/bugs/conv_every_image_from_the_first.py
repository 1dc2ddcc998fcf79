"""forward convolves x[0] for every image of the batch: the loop over n indexes the input with a leftover 0.

Right for a batch of one image; every other image gets the first image's output.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="out", hint="batch")


class Conv2D(Reference):
    def forward(self, x):
        first = super().forward(x[:1])  # BUG: super().forward(x), each image its own
        super().forward(x)  # the cache backward reads
        return np.repeat(first, x.shape[0], axis=0)
