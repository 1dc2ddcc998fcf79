"""backward multiplies (p - one_hot) / N by p * (1 - p), "the derivative of the activation".

The softmax's derivative is already folded into p - one_hot: the combined gradient of softmax and cross-entropy.
"""

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="dscores", hint="no_softmax")


class SoftmaxCrossEntropy(Reference):
    def backward(self):
        p = self.probs
        return super().backward() * p * (1 - p)  # BUG: super().backward() alone
