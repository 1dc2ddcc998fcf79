"""Max pool with a reshape shortcut for windows that tile the image, taken when the stride equals KW alone.

`x.reshape(N, C, H_out, KH, W_out, KW).max(axis=(3, 5))` is the pool only when the windows tile the image,
that is when stride == KH *and* stride == KW. Checking one side sends a 2x1 window with stride 1 (or a 1x2
window with stride 2) down the shortcut: it raises, or takes the maximum of the wrong rows.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="out", hint="stride")


class MaxPool2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        if self.stride != KW:  # BUG: the shortcut needs stride == KH as well
            return super().forward(x)
        H_out, W_out = (H - KH) // self.stride + 1, (W - KW) // self.stride + 1
        blocks = x[:, :, :H_out * KH, :W_out * KW].reshape(N, C, H_out, KH, W_out, KW)
        self.x, self.out = x, blocks.max(axis=(3, 5))
        return self.out
