"""Adam's second moment averages (g - m) ** 2, the squared deviation from the first moment (AdaBelief's centred
variance), instead of the squared gradient g * g.

With a constant gradient m approaches g, so (g - m) ** 2 shrinks towards zero and the step grows far beyond lr;
on the first step it is beta1**2 * g * g, already a different step length.
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
                v += (1.0 - self.beta2) * (g - m) ** 2  # BUG: g * g
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
