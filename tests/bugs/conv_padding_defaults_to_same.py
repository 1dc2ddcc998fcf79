"""Conv2D's padding defaults to "same" padding (kernel_size // 2) instead of 0.

A popular convention elsewhere, but the contract's default is padding=0: `Conv2D(2, 3, 3)` must shrink a
6x5 image to 4x3.
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="defaults", hint="defaults")


class Conv2D(Reference):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=None, *, rng=None):
        if padding is None:  # BUG: the contract's default is 0
            padding = (kernel_size if isinstance(kernel_size, int) else kernel_size[0]) // 2
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, rng=rng)
