"""forward keeps a reference to x; backward turns that very array into the 0/1 slope in place.

dx is right, but the caller's array, which the network still holds as the previous layer's output, now holds 0s
and 1s.
"""

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="x (mutated)", hint="mutation")


class ReLU(Reference):
    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, dout):
        slope = self.x  # BUG: an alias of the caller's x, not a new array
        slope[slope <= 0] = 0
        slope[slope > 0] = 1
        return (dout * slope).astype(dout.dtype)
