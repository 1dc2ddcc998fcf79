"""Backward edits the cached probabilities in place (`dscores = self.probs` is not a copy), so a second call differs.

The first call returns the right dscores, but it has also turned self.probs into dscores; a second call (or
anything reading probs afterwards) subtracts the label and divides by N again.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="dscores", hint="mutation")


class SoftmaxCrossEntropy(Reference):
    def backward(self):
        N = self.probs.shape[0]
        dscores = self.probs  # BUG: self.probs.copy()
        dscores[np.arange(N), self.y] -= 1
        dscores /= N
        return dscores
