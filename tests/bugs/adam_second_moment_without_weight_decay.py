"""Adam's second moment averages the raw gradient squared while the first moment averages the decayed gradient:
v misses weight_decay * w, which g = grad + weight_decay * w carries into both averages.

Right whenever weight_decay is 0.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="weight_decay")


class Adam(Reference):
    def step(self):
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                raw = layer.grads[k]
                g = raw + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * raw * raw  # BUG: g * g
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
