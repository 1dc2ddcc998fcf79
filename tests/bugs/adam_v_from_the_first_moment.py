"""Adam's second moment averages the square of the first moment, m * m, instead of the squared gradient.

On the first step m is (1 - beta1) * g, so v is off by (1 - beta1)**2 from the start and the step is ten times too
long; later the two drift further apart.
"""

import numpy as np

from solutions.adam import Adam as Reference

# On a one-step case this moves exactly as v corrected with beta1 does: both known mistakes are named, neither is
# claimed, so no single hint id is expected.
EXPECT = dict(exercise="adam", tensor="params['W']", hint=None)


class Adam(Reference):
    def step(self):
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (m * m)  # BUG: g * g
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
