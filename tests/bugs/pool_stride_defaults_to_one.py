"""MaxPool2D's stride defaults to 1 instead of to the kernel size.

`MaxPool2D(2)` should halve the image; with stride 1 it overlaps its windows and keeps almost every pixel.
Every check that passes the stride explicitly still passes.
"""

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="defaults", hint="defaults")


class MaxPool2D(Reference):
    def __init__(self, kernel_size=2, stride=1):  # BUG: the contract's default is stride=None (= kernel size)
        super().__init__(kernel_size, stride)
