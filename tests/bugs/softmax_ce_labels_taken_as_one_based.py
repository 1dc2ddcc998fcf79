"""The labels are read as one-based: each row is charged, and gets its -1 in dscores, at class y - 1 instead of y
(class 0 wrapping round to the last), as if the classes were numbered 1 to K (as in MATLAB or R code); labels run from 0
to K - 1.

Here forward subtracts 1 from the labels. Every row is charged for the class before its own
(class 0 wraps round to the last), and the shifted labels are cached, so backward puts its -1 in the same wrong column:
backward does the right thing with what forward left.
"""

from solutions.softmax_ce import SoftmaxCrossEntropy as Reference

EXPECT = dict(exercise="softmax_ce", tensor="loss", hint="indexing")


class SoftmaxCrossEntropy(Reference):
    def forward(self, scores, y):
        return super().forward(scores, y - 1)  # BUG: the labels already count from 0
