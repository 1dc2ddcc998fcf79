"""The denominator is computed in place in v's own array: np.sqrt(v, out=v), then /= and += eps on it.

Saves an allocation and corrupts the state: the next step averages the old denominator instead of v.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="second_moment")


class Adam(Reference):
    def step(self):
        self.t += 1
        c1, c2 = 1 - self.beta1**self.t, 1 - self.beta2**self.t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1 - self.beta1) * g
                v *= self.beta2
                v += (1 - self.beta2) * g * g
                denominator = np.sqrt(v, out=v)  # BUG: np.sqrt(v) (a new array)
                denominator /= np.sqrt(c2)
                denominator += self.eps
                w -= self.lr * (m / c1) / denominator
