"""dgamma and dbeta average over N, H and W (e.g. .mean, or a sum divided by N*H*W) instead of summing.

The student thought of them as "per-example" gradients to be averaged; the loss is already a mean over the batch,
so the layer's gradients must sum what each position contributes.
"""

import numpy as np

from solutions.batchnorm import BatchNorm2D as Reference

EXPECT = dict(exercise="batchnorm", tensor="dgamma", hint="sum")


class BatchNorm2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["gamma"] = (dout * self.xhat).mean(axis=(0, 2, 3)).astype(np.float64)  # BUG: .sum
        self.grads["beta"] = dout.mean(axis=(0, 2, 3)).astype(np.float64)  # BUG: .sum
        return dx
