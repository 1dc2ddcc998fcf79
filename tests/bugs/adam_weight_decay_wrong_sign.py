"""Weight decay subtracted from the gradient, g = grad - weight_decay * w, which pushes weights away from zero.

The L2 penalty weight_decay/2 * sum(w**2) has gradient + weight_decay * w.
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
                g = layer.grads[k] - self.weight_decay * w  # BUG: + weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
