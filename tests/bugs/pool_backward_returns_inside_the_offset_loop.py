"""Max-pool backward serves only each window's first cell: the loop over the kernel offsets (p, q) returns after its
first pass (a `return dx` indented one level too deep), so a window whose maximum is not at offset (0, 0) sends
its gradient nowhere.

Forward, and the loop's first pass, are right; on small cases dx is often all zeros.
"""

import numpy as np

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="dx", hint="indexing")


class MaxPool2D(Reference):
    def forward(self, x):
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = (x.shape[2] - KH) // s + 1, (x.shape[3] - KW) // s + 1
        out = None
        for p in range(KH):
            for q in range(KW):
                entry = x[:, :, p:p + s * H_out:s, q:q + s * W_out:s]
                out = entry.copy() if out is None else np.maximum(out, entry)
        self.x, self.out = x, out
        return out

    def backward(self, dout):
        x, out = self.x, self.out
        KH, KW = self.kernel_size
        s = self.stride
        H_out, W_out = out.shape[2:]
        dx = np.zeros_like(x)
        taken = np.zeros(out.shape, dtype=bool)
        for p in range(KH):
            for q in range(KW):
                hit = (x[:, :, p:p + s * H_out:s, q:q + s * W_out:s] == out) & ~taken
                dx[:, :, p:p + s * H_out:s, q:q + s * W_out:s] += np.where(hit, dout, 0)
                taken |= hit
                return dx  # BUG: one level out, after both loops
