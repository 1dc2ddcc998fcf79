"""A parameter whose gradient is all zero is skipped (`if not grad.any(): continue`), as for a frozen parameter.

Adam still updates it: m and v decay and w keeps moving with m_hat. Only steps where some gradient is exactly
zero show it (a batch that does not reach a parameter) (set J).
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="zero_grad")


class Adam(Reference):
    def step(self):
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                if not layer.grads[k].any():
                    continue  # BUG: a zero gradient still updates m, v and w
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
