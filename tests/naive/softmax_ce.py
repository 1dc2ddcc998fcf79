"""Naive SoftmaxCrossEntropy: a loop over rows with the max shift, independent of solutions/softmax_ce.py."""

import numpy as np


class SoftmaxCrossEntropy:
    def __init__(self):
        self.params = {}
        self.grads = {}

    def __repr__(self):
        return "SoftmaxCrossEntropy()"

    def forward(self, scores, y):
        N, K = scores.shape
        probs = np.zeros((N, K), dtype=scores.dtype)
        total = 0.0
        for n in range(N):
            top = max(scores[n, k] for k in range(K))
            exps = [np.exp(scores[n, k] - top) for k in range(K)]
            denominator = sum(exps)
            for k in range(K):
                probs[n, k] = exps[k] / denominator
            total += np.log(denominator) - (scores[n, y[n]] - top)
        self.probs = probs
        self.y = np.array(y, copy=True)
        return float(total / N)

    def backward(self):
        N, K = self.probs.shape
        dscores = np.zeros((N, K), dtype=self.probs.dtype)
        for n in range(N):
            for k in range(K):
                dscores[n, k] = (self.probs[n, k] - (1.0 if k == self.y[n] else 0.0)) / N
        return dscores
