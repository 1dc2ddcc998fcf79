"""Softmax-CE written as mean(logsumexp(scores) - scores[y]) with an explicit one-hot matrix.

logsumexp is computed as m + log(sum(exp(scores - m))); the gradient is (softmax - one_hot) / N with the
one-hot built from np.eye. A different route to the same loss and gradient: full marks.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = None


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        N, K = scores.shape
        m = scores.max(axis=1)
        logsumexp = m + np.log(np.exp(scores - m[:, None]).sum(axis=1))
        self.softmax = np.exp(scores - logsumexp[:, None])
        self.one_hot = np.eye(K, dtype=scores.dtype)[y]
        return float(np.mean(logsumexp - scores[np.arange(N), y]))

    def backward(self):
        N = self.softmax.shape[0]
        return (self.softmax - self.one_hot) / np.asarray(N, dtype=self.softmax.dtype)
