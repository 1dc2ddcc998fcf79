"""The loss pairs the log-sum-exp of the max-shifted scores with the label's unshifted score.

Shifting by the row maximum keeps exp from overflowing, but then both terms must come from the shifted scores
(or the maximum must be added back): here each row's loss is short by that row's maximum.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="loss", hint="overflow")


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        super().forward(scores, y)  # caches probs and y
        N = scores.shape[0]
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_sum = np.log(np.exp(shifted).sum(axis=1))
        return float((log_sum - scores[np.arange(N), y]).mean())  # BUG: shifted[np.arange(N), y]
