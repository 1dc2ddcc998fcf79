"""The one-hot is subtracted with `dscores[:, y]`, which hits every row, instead of `dscores[np.arange(N), y]`.

`dscores[:, y] -= 1` subtracts 1 in *every row* at each label column (once per distinct label), so rows no longer
sum to zero. Right for a batch of one, which is how the student tested it.
"""

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="dscores", hint="rows_not_zero")


class SoftmaxCrossEntropy(Reference):
    def backward(self):
        N = self.probs.shape[0]
        dscores = self.probs.copy()
        dscores[:, self.y] -= 1  # BUG: dscores[np.arange(N), self.y]
        dscores /= N
        return dscores
