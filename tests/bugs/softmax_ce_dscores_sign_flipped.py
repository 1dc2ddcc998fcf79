"""dscores is one_hot - probs: the sign is flipped.

CNN-scratcher wrote `dz2 = onehot - probs` and then `w -= lr * dw`, so the whole network climbed the loss. The
derivative of -log softmax is probs - one_hot. Source: bug-catalogue S5.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="dscores", hint="sign")


class SoftmaxCrossEntropy(Reference):
    def backward(self):
        N = self.probs.shape[0]
        one_hot = np.zeros_like(self.probs)
        one_hot[np.arange(N), self.y] = 1
        return (one_hot - self.probs) / N  # BUG: (self.probs - one_hot) / N
