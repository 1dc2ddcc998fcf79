"""The global average is written x.sum(axis=(2, 3)) / H * W: (sum / H) * W, not sum / (H * W).

Off by the factor W / H times H * W: a square image gives the plain sum, a 2x3 one 9/4 times the mean.
"""

from solutions.avgpool import AvgPool2D as Reference

EXPECT = dict(exercise="avgpool", tensor="out", hint="scale")


class AvgPool2D(Reference):
    def forward(self, x):
        out = super().forward(x)
        if not self.global_pool:
            return out
        H, W = x.shape[2:]
        return x.sum(axis=(2, 3)) / H * W  # BUG: / (H * W)
