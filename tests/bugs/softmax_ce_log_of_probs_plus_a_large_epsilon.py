"""The loss is -log(p + 1e-4): an epsilon "against log(0)" far above what leaves the loss unchanged.

Up to 1e-6 the epsilon is harmless and scores full marks; at 1e-4 it lowers the loss visibly wherever the true
class gets a small probability, which is exactly where the loss matters.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="loss", hint="eps")


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        super().forward(scores, y)  # caches probs and y
        N = scores.shape[0]
        return float(-np.log(self.probs[np.arange(N), y] + 1e-4).mean())  # BUG: eps at most 1e-6, or log-softmax
