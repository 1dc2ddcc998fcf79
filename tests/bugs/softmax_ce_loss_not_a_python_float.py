"""forward returns the NumPy scalar `-log_probs[...].mean()` instead of a Python float.

For float64 scores that is an np.float64, which happens to subclass float; for float32 scores it is an np.float32,
which does not, and code that expects a float (json, formatting, the contract) gets a NumPy scalar. `float(...)`.
"""

import numpy as np

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="loss", hint="dtype")


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        N = scores.shape[0]
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.probs, self.y = np.exp(log_probs), y
        return -log_probs[np.arange(N), y].mean()  # BUG: float(...)
