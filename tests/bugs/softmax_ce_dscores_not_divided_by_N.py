"""dscores is probs - one_hot without the 1/N of the mean loss.

The gradient of one example's loss is probs - one_hot; the loss is the mean over the batch, so each row also
carries 1/N. Right only for N = 1 (the `no_div_N` mutant of the research note, 3.1).
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="dscores", hint="scale")


class SoftmaxCrossEntropy(Reference):
    def backward(self):
        N = self.probs.shape[0]
        dscores = self.probs.copy()
        dscores[np.arange(N), self.y] -= 1
        return dscores  # BUG: dscores / N
