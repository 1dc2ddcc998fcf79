"""backward puts -1/N at each label, then divides the whole matrix by N again.

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
