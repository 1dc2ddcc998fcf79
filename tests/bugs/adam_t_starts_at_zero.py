"""The step count is advanced after the update, so the first step corrects with t = 0.

1 - beta1**0 is 0: m_hat and v_hat divide by zero, and every parameter becomes NaN at the very first step.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="step_count")


class Adam(Reference):
    def step(self):
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
        self.t += 1  # BUG: t must be advanced before the corrections use it (t = 1 at the first step)
