"""The output size rounds up (ceil mode), so a last window runs past the border of the image.

`-(-(H - KH) // stride) + 1` is what some frameworks call ceil mode; the contract's pooling has no padding and
rounds down. When the windows cover the image exactly both agree, which is how the student tested it.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="shape", hint="shape")


class MaxPool2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        stride = self.stride
        H_out = -(-(H - KH) // stride) + 1  # BUG: (H - KH) // stride + 1
        W_out = -(-(W - KW) // stride) + 1  # BUG: (W - KW) // stride + 1
        out = np.full((N, C, H_out, W_out), -np.inf, dtype=x.dtype)
        for p in range(KH):
            for q in range(KW):
                np.maximum(out, x[:, :, p:p + stride * H_out:stride, q:q + stride * W_out:stride], out=out)
        self.x, self.out = x, out
        return out
