"""forward pads x with np.pad(..., mode="edge"): the border pixels repeated instead of zeros.

Edge padding is a real choice in image processing (fewer dark borders), but the contract's padding is zeros;
every window that reaches the border sees other values.
"""

import numpy as np

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="out", hint="border")


class Conv2D(Reference):
    def forward(self, x):
        p = self.padding
        if not p:
            return super().forward(x)
        padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="edge")  # BUG: zeros, np.pad's default mode
        inner = Conv2D(self.in_channels, self.out_channels, self.kernel_size, self.stride, 0)
        inner.params = self.params
        out = inner.forward(padded)
        self.x = x
        self.inner = inner
        return out
