"""The running mean's update starts from running_var: a copy-paste slip between the two update lines.

running_mean = (1 - m) * running_var + m * mean: the batch mean blended in is right, the old value carried over is
the other statistic's. Invisible from the constructor's start (zeros and ones differ, but the first batch hides it
little); plain once the running statistics have moved.
"""

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="running_mean", hint="running_stats")


class BatchNorm2D(Reference):
    def forward(self, x):
        var_before = self.running_var.copy()
        mean_before = self.running_mean.copy()
        out = super().forward(x)
        if self.training:
            batch_mean = (self.running_mean - (1 - self.momentum) * mean_before) / self.momentum
            self.running_mean = (1 - self.momentum) * var_before + self.momentum * batch_mean  # BUG: running_mean
        return out
