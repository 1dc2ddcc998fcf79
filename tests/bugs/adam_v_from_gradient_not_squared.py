"""v averages the gradient itself instead of its square: v = beta2 * v + (1 - beta2) * g.

v can then be negative, and its square root is NaN; where it stays positive, the step is lr * g / sqrt(g) rather
than lr * sign(g).
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="second_moment")


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
                v += (1.0 - self.beta2) * g  # BUG: the squared gradient g * g
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
