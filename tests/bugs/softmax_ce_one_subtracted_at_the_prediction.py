"""dscores subtracts the 1 at each row's predicted class (the argmax of the scores), not at its label.

`probs[range(N), probs.argmax(1)] -= 1`: the label array is in scope but the argmax from an accuracy computation is
what got used. Right exactly for the rows the network already classifies correctly.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="dscores", hint="labels")


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        self.predicted = np.asarray(scores).argmax(axis=1)
        return super().forward(scores, y)

    def backward(self):
        N = len(self.predicted)
        d = self.probs.astype(np.float64)
        d[np.arange(N), self.predicted] -= 1.0  # BUG: at the label y[n]
        return (d / N).astype(self.probs.dtype)
