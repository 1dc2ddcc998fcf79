"""Adam computes its bias corrections from self.t before advancing it, clamped with max(t, 1) "to avoid 1 - beta**0".

The corrections then use t = 1, 1, 2, 3, ...: one step behind from the second step on, so every step after the
first is slightly too long or too short.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="step_count")


class Adam(Reference):
    def step(self):
        t = max(self.t, 1)  # BUG: advance self.t first, then use it
        self.t += 1
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
