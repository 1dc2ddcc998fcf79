"""The one-hot matrix of the labels is built once, on the first call, and kept "to save time".

Every later batch is then compared with the first batch's labels: its gradient pulls towards the wrong classes.
A single forward and backward (and every numerical check on a fresh object) is right.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="dscores", hint="stale_cache")


class SoftmaxCrossEntropy(Reference):
    one_hot = None

    def backward(self):
        N, K = self.probs.shape
        if self.one_hot is None or self.one_hot.shape != (N, K):  # BUG: rebuild it from self.y every call
            self.one_hot = np.eye(K, dtype=self.probs.dtype)[self.y]
        return (self.probs - self.one_hot) / N
