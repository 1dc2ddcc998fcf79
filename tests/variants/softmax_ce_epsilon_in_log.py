"""Cross-entropy with a small epsilon inside the log, as much real code writes it: -log(p[y] + 1e-7).

The loss differs from the exact one by about 1e-7 / p[y], far below what matters, and backward is exact:
a valid implementation that must score full marks.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = None


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        shifted = scores - scores.max(axis=1, keepdims=True)
        probs = np.exp(shifted)
        probs /= probs.sum(axis=1, keepdims=True)
        self.probs, self.y = probs, y
        return float(-np.log(probs[np.arange(len(y)), y] + 1e-7).mean())

    def backward(self):
        dscores = self.probs.copy()
        dscores[np.arange(len(self.y)), self.y] -= 1
        return dscores / len(self.y)
