"""dscores subtracts the one-hot's 1 in every row at each label column of the batch (once per distinct label), not only
at each row's own label: e.g. `dscores[:, y] -= 1` where `dscores[np.arange(N), y] -= 1` belongs.

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
