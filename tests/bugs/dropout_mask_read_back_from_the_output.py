"""Dropout's backward rebuilds the mask from the cached output, `self.out != 0`, instead of keeping the mask.

Where x was already 0 (after a ReLU, often half of the entries) the output is 0 whether the mask kept the entry or
not, so those kept entries lose their gradient.
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="dx", hint="mask")


class Dropout(Reference):
    def forward(self, x):
        self.out = super().forward(x)
        return self.out

    def backward(self, dout):
        if not self.training:
            return dout.copy()
        kept = self.out != 0  # BUG: 0 where x was 0 even if kept; use the mask forward drew
        return (dout * kept / (1.0 - self.p)).astype(dout.dtype)
