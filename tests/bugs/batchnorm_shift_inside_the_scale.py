"""BatchNorm's affine step is bracketed as gamma * (xhat + beta) instead of gamma * xhat + beta.

With the constructor's gamma = 1 nothing shows; once gamma is trained, beta is scaled by it. The backward from the
reference's cache is the gradient of the right forward.
"""

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="out", hint="affine")


class BatchNorm2D(Reference):
    def forward(self, x):
        out = super().forward(x)
        C = x.shape[1]
        gamma = self.params["gamma"].astype(x.dtype).reshape(1, C, 1, 1)
        beta = self.params["beta"].astype(x.dtype).reshape(1, C, 1, 1)
        return gamma * (self.xhat + beta)  # BUG: gamma * self.xhat + beta
