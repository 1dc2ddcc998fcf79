"""The windows' index grid is built on the first forward call and reused by every later one.

Repeated calls with one image size are right; an input of another size (another network, or images of another
size) is pooled with the first call's grid, so the output keeps the first call's height and width (set I's miss).
"""

from solutions.pool import MaxPool2D as Reference

EXPECT = dict(exercise="pool", tensor="out", hint="shared_state")


class MaxPool2D(Reference):
    def forward(self, x):
        if getattr(self, "first_size", None) is None:
            self.first_size = x.shape[2:]  # BUG: the grid of this size is kept for every later call
        H, W = self.first_size
        return super().forward(x[:, :, :H, :W])
