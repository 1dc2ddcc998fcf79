"""Adam's step divides the fresh gradient, not m_hat, by sqrt(v_hat) + eps: RMSProp with Adam's bookkeeping.

m is kept up to date and never used; with a constant gradient the two agree, so the closed-form test passes.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="momentum_state")


class Adam(Reference):
    def step(self):
        self.t += 1
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                v, w = vs[k], layer.params[k]
                g = layer.grads[k] + self.weight_decay * w
                m[...] = self.beta1 * m + (1 - self.beta1) * g
                v[...] = self.beta2 * v + (1 - self.beta2) * g * g
                w -= self.lr * g / (np.sqrt(v / (1 - self.beta2**self.t)) + self.eps)  # BUG: m_hat, not g
