"""dscores divides the one-hot term by N twice, (probs - one_hot / N) / N: each label gets -1/N**2 instead of -1/N, e.g.
when the 1/N is folded into the one-hot and the final division by N is kept.

The student folded the 1/N into the one-hot term first (it is "part of the mean") and then kept the usual final
division: the softmax term is right, the one-hot term is 1/N**2, and rows no longer sum to 0.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="dscores", hint="scale")


class SoftmaxCrossEntropy(Reference):
    def backward(self):
        N = self.probs.shape[0]
        dscores = self.probs.copy()
        dscores[np.arange(N), self.y] -= 1.0 / N  # BUG: subtract 1; the division below already averages
        dscores /= N
        return dscores
