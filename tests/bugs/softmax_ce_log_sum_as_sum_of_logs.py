"""The log-sum-exp is simplified to a sum of logs: np.sum(np.log(np.exp(shifted)), axis=1), that is sum(shifted).

The log of a sum is not the sum of the logs.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="loss", hint="no_softmax")


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        super().forward(scores, y)  # fills the cache
        N = scores.shape[0]
        shifted = scores - scores.max(axis=1, keepdims=True)
        lse = np.sum(np.log(np.exp(shifted)), axis=1)  # BUG: np.log(np.sum(np.exp(shifted), axis=1))
        return float((lse - shifted[np.arange(N), y]).mean())
