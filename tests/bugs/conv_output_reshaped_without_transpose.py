"""The (N*Ho*Wo, F) product of a whole-batch im2col is reshaped straight to (N, F, Ho, Wo), without a transpose.

The shape is right, so nothing raises, but a reshape never moves an axis: the outputs of different filters and
positions trade places whenever F > 1 and Ho*Wo > 1. Backward is right; only forward's values are scrambled.
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="out", hint="layout")


class Conv2D(Reference):
    def forward(self, x):
        out = super().forward(x)
        # BUG: the product is laid out (N, Ho, Wo, F); it needs .reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2)
        return out.transpose(0, 2, 3, 1).reshape(out.shape)
