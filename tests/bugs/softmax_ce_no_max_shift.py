"""Softmax computes exp(scores) without subtracting each row's maximum first, so large scores overflow.

Mathematically right, numerically not: exp(1000.) is inf, and inf / inf is NaN. CNN-scratcher's first version did
this (later fixed). Subtracting each row's maximum changes nothing and keeps every exponent <= 0. Source:
bug-catalogue S8.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="loss", hint="overflow")


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        N = scores.shape[0]
        exp = np.exp(scores)  # BUG: np.exp(scores - scores.max(axis=1, keepdims=True))
        probs = exp / exp.sum(axis=1, keepdims=True)
        self.probs, self.y = probs, y
        return float(-np.log(probs[np.arange(N), y]).mean())
