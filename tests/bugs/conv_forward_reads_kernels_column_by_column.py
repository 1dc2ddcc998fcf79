"""forward flattens each kernel column by column (W.transpose(0, 1, 3, 2).reshape(F, -1)) while its im2col rows
list every window row by row.

Weight W[f, c, p, q] then meets the window pixel at offset (q, p) (for a square kernel), or a scrambled one for
KH != KW: right for a 1x1 kernel, wrong for every larger one.
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="out", hint="transpose")


class Conv2D(Reference):
    def forward(self, x):
        W = self.params["W"]
        kept = W.copy()
        W[...] = W.transpose(0, 1, 3, 2).reshape(W.shape)  # BUG: flatten W in (c, p, q) order, as the windows are
        try:
            return super().forward(x)
        finally:
            W[...] = kept
