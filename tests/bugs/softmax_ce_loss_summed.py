"""The loss is summed over the batch instead of averaged.

The formula has a 1/N; the student returns the total. backward still divides by N, so the loss and its gradient
disagree by a factor N (and the learning rate silently depends on the batch size).
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="loss", hint="scale")


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        N = scores.shape[0]
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.probs, self.y = np.exp(log_probs), y
        return float(-log_probs[np.arange(N), y].sum())  # BUG: .mean()
