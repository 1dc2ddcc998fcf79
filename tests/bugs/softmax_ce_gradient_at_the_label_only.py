"""backward writes (p - 1) / N at each row's label and leaves every other column at 0.

The student differentiated only the picked term -log p[y] with respect to its own score and forgot that the
softmax's denominator depends on every score, so the other columns must get p / N.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="dscores", hint="scale")


class SoftmaxCrossEntropy(Reference):
    def backward(self):
        N = self.probs.shape[0]
        dscores = np.zeros_like(self.probs)  # BUG: start from self.probs, every column gets p / N
        rows = np.arange(N)
        dscores[rows, self.y] = (self.probs[rows, self.y] - 1) / N
        return dscores
