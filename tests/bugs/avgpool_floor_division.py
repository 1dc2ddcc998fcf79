"""forward divides each window's sum with //, as the output-size formula next to it does.

Floor division of floats rounds every average down to a whole number: right only for inputs of whole numbers that
average to whole numbers.
"""

import numpy as np

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="out", hint="dtype")


class AvgPool2D(Reference):
    def forward(self, x):
        if self.global_pool:
            return super().forward(x)
        KH, KW = self.kernel_size
        out = super().forward(x) * (KH * KW)  # the window sums
        return out // (KH * KW)  # BUG: / (true division)
