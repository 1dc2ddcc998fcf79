"""dscores is probs / N: the "- one_hot" term is missing.

The derivative of -log probs[y] has two parts, the normaliser (probs) and the label (-1 at y). Without the label
term the rows sum to 1/N instead of 0, and the correct class is pushed down instead of up.
"""

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="dscores", hint="rows_not_zero")


class SoftmaxCrossEntropy(Reference):
    def backward(self):
        N = self.probs.shape[0]
        return self.probs / N  # BUG: subtract 1 at [np.arange(N), y] first
