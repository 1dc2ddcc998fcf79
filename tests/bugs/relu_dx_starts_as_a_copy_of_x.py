"""ReLU's backward leaves the input x itself in dx where x <= 0, where the gradient is 0: e.g. dx starts as a copy of
the cached x and only the entries where x > 0 are overwritten with dout.

`dx = self.x.copy(); dx[self.x > 0] = dout[self.x > 0]` leaves x itself where x <= 0, where the gradient is 0.
"""

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="mask")


class ReLU(Reference):
    def forward(self, x):
        self.x_seen = x
        return super().forward(x)

    def backward(self, dout):
        dx = self.x_seen.copy()  # BUG: np.zeros_like(self.x_seen)
        positive = self.x_seen > 0
        dx[positive] = dout[positive]
        return dx
