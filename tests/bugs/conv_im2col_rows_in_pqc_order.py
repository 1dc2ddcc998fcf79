"""im2col rows are stacked in (p, q, c) order while W.reshape(F, -1) is ordered (c, p, q).

Each weight then meets the pixel of another channel or kernel offset. With one input channel, or a 1x1 kernel,
both orders agree, so small tests pass; with C > 1 and a larger kernel the output is wrong.
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="out", hint="order")


class Conv2D(Reference):
    def forward(self, x):
        W = self.params["W"]
        F, C, KH, KW = W.shape
        kept = W.copy()
        # What the (p, q, c) rows compute: the flat weights read back as if they were ordered (p, q, c).
        W[...] = kept.reshape(F, KH, KW, C).transpose(0, 3, 1, 2)  # BUG: rows must be in W's (c, p, q) order
        try:
            return super().forward(x)
        finally:
            W[...] = kept
