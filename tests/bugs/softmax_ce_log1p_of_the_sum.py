"""The log-sum-exp is written np.log1p(np.exp(shifted).sum(axis=1)), log1p taken for "a more accurate log".

np.log1p(a) is log(1 + a): every row's loss gains log(1 + 1 / sum(exp(shifted))).
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="loss", hint="no_softmax")


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        super().forward(scores, y)  # fills the cache
        N = scores.shape[0]
        shifted = scores - scores.max(axis=1, keepdims=True)
        lse = np.log1p(np.exp(shifted).sum(axis=1))  # BUG: np.log(...)
        return float((lse - shifted[np.arange(N), y]).mean())
