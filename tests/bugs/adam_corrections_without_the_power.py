"""Adam's bias corrections written as 1 - beta1 and 1 - beta2, without the power t.

t is kept and advanced correctly; only the exponent is missing, so every step divides m by 0.1 and v by 0.001 as the
first one does. Indistinguishable from a t that never advances.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="step_count")


class Adam(Reference):
    def step(self):
        self.t += 1
        c1, c2 = 1.0 - self.beta1, 1.0 - self.beta2  # BUG: 1 - beta1**self.t, 1 - beta2**self.t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m[...] = self.beta1 * m + (1.0 - self.beta1) * g
                v[...] = self.beta2 * v + (1.0 - self.beta2) * g * g
                w -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
