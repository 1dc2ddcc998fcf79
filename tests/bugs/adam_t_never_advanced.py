"""The step count is computed as self.t + 1 but never stored back, so every step corrects with t = 1.

The first step is right; from the second on, m_hat = m / (1 - beta1) and v_hat = v / (1 - beta2) over-correct
averages that are no longer biased towards zero.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="step_count")


class Adam(Reference):
    def step(self):
        t = self.t + 1  # BUG: a local count; self.t stays 0, so t is 1 at every step
        correction1 = 1.0 - self.beta1**t
        correction2 = 1.0 - self.beta2**t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
