"""Adam moves w before it updates v: the step divides by the previous step's v_hat (0 at the first step).

The lines of the update were reordered while "tidying": m, then w, then v. The first step is then about
lr * |g| / eps, enormous.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="order")


class Adam(Reference):
    def step(self):
        self.t += 1
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                w -= self.lr * (m / (1 - self.beta1**self.t)) / (np.sqrt(v / (1 - self.beta2**self.t)) + self.eps)
                v *= self.beta2  # BUG: update v before moving w
                v += (1.0 - self.beta2) * (g * g)
