"""The running statistics are kept in x's dtype: a float32 training batch makes them float32 arrays.

The student cast "everything" to x.dtype so that out would come back in float32, the running statistics too.
They are float64 by the contract: averaged over a whole training run, they should not lose digits to x's dtype.
"""

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="running_mean", hint="dtype")


class BatchNorm2D(Reference):
    def forward(self, x):
        out = super().forward(x)
        self.running_mean = self.running_mean.astype(x.dtype)  # BUG: keep them float64; cast only out
        self.running_var = self.running_var.astype(x.dtype)
        return out
