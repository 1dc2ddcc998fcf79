"""Adam without bias correction: the step divides m by sqrt(v) as they are, not m_hat by sqrt(v_hat).

m and v start at zero, so early on they are far too small, and not by the same factor: at the first step
m = 0.1 * g and sqrt(v) = 0.0316 * |g| (betas 0.9 and 0.999), so every entry moves about 3.2 * lr instead of lr.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="bias_correction")


class Adam(Reference):
    def step(self):
        self.t += 1
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.lr * m / (np.sqrt(v) + self.eps)  # BUG: m and v used without bias correction
