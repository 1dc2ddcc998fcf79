"""m and v are kept in dicts keyed by parameter name only, so the "W" of every layer shares one m and one v.

The student ignores self.m and self.v and writes `self.state.setdefault(k, ...)`: fine for one layer, but in a
network conv1.W and conv2.W (same name) share their averages whenever their shapes allow it.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="momentum_state")


class Adam(Reference):
    def step(self):
        if not hasattr(self, "state"):
            self.state = {}
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for layer in self.layers:
            for k, w in getattr(layer, "params", {}).items():
                m, v = self.state.setdefault(k, (np.zeros_like(w), np.zeros_like(w)))  # BUG: one per (layer, name)
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
