"""Adam written as AdaMax: u = max(beta2 * u, |g|) replaces the averaged squared gradient, and the step divides by u.

The variant from the same paper (section 7), easy to copy from the wrong block of its pseudo-code: with a constant
gradient AdaMax moves by lr * g / (|g| + eps) too, so only changing gradients tell them apart.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="second_moment")


class Adam(Reference):
    def step(self):
        self.t += 1
        for layer, ms, us in zip(self.layers, self.m, self.v):
            for key in ms:
                g = layer.grads[key] + self.weight_decay * layer.params[key]
                ms[key][...] = self.beta1 * ms[key] + (1.0 - self.beta1) * g
                us[key][...] = np.maximum(self.beta2 * us[key], np.abs(g))  # BUG: AdaMax's u, not Adam's v
                m_hat = ms[key] / (1.0 - self.beta1**self.t)
                layer.params[key][...] -= self.lr * m_hat / (us[key] + self.eps)
