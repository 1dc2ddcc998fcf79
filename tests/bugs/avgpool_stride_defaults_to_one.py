"""AvgPool2D's stride defaults to 1 instead of to the kernel size.

`AvgPool2D(2)` should halve the image; with stride 1 its windows overlap and it only blurs the image, keeping
almost every pixel. Every check that passes the stride explicitly still passes.
"""

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="defaults", hint="defaults")


class AvgPool2D(Reference):
    def __init__(self, kernel_size=2, stride=1, *, global_pool=False):  # BUG: the default is stride=None (= kernel)
        super().__init__(kernel_size, stride, global_pool=global_pool)
