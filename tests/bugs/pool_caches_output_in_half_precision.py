"""Max-pool backward misses the maxima, so dx is 0 almost everywhere: it looks for them by comparing x with a rounded
copy of the output (e.g. cached in float16 to save memory), which no longer equals the x it came from; compare with
values in x's own dtype, or keep the argmax.

Here the cached copy of the output is float16, "to save memory". float16 holds about three decimal digits: a float64
maximum rounded to float16 no longer equals the x it came from, so `x == out` is false almost everywhere and dx is zero
where the gradient belongs (the forward output returned to the caller is right; only the cached copy is rounded).
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="dtype")


class MaxPool2D(Reference):
    def forward(self, x):
        out = super().forward(x)
        self.x_seen = x
        self.out_small = out.astype(np.float16)  # BUG: keep out in x's dtype
        return out

    def backward(self, dout):
        super().backward(dout)  # the reference's grads (none); dx recomputed below
        x, out = self.x_seen, self.out_small
        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        s = self.stride
        dx = np.zeros_like(x)
        for i in range(out.shape[2]):
            for j in range(out.shape[3]):
                window = x[:, :, i * s:i * s + KH, j * s:j * s + KW]
                flat = window.reshape(N, C, -1)
                first = np.argmax(flat == out[:, :, i, j][:, :, None], axis=2)
                hit = np.take_along_axis(flat == out[:, :, i, j][:, :, None], first[:, :, None], axis=2)[:, :, 0]
                rows, cols = np.unravel_index(first, (KH, KW))
                n, c = np.indices((N, C))
                np.add.at(dx, (n, c, i * s + rows, j * s + cols), dout[:, :, i, j] * hit)
        return dx
