"""The softmax divides each row's exponentials by the total over the whole batch instead of the row's own sum
(e.g. np.sum(exps), forgetting axis=1).

For N = 1 that is the row's own sum; for a batch each row's "probabilities" sum to less than 1 and the loss is too
large. backward starts from the same cached probabilities (p - one_hot) / N, so only the forward is wrong.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="loss", hint="axis")


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        N = scores.shape[0]
        exps = np.exp(scores - scores.max(axis=1, keepdims=True))
        self.probs, self.y = exps / np.sum(exps), y  # BUG: exps.sum(axis=1, keepdims=True)
        return float(-np.log(self.probs[np.arange(N), y]).mean())
