"""The paper's "efficient" step, lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps), with eps kept.

Folding both corrections into the step size is exact only if eps is rescaled too (eps * sqrt(1 - beta2**t)); kept
as it is, eps weighs up to 1 / sqrt(1 - beta2) = 32 times too much in the first steps.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="eps")


class Adam(Reference):
    def step(self):
        self.t += 1
        step_size = self.lr * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= step_size * m / (np.sqrt(v) + self.eps)  # BUG: eps added to the uncorrected sqrt(v)
