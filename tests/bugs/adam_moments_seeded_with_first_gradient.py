"""Adam whose m and v start as the first gradient and its square ("warm" moments), then get bias-corrected anyway.

A learner who reads "m starts at zero, so it is biased" and fixes the bias twice: seeding and correcting. The
first step is then m_hat = g / (1 - beta1), ten times too large with beta1 = 0.9.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="momentum_state")


class Adam(Reference):
    def step(self):
        self.t += 1
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for name in ms:
                w = layer.params[name]
                g = layer.grads[name] + self.weight_decay * w
                if self.t == 1:  # BUG: the moments start at zero, not at the first gradient
                    ms[name][...] = g
                    vs[name][...] = g * g
                ms[name][...] = self.beta1 * ms[name] + (1.0 - self.beta1) * g
                vs[name][...] = self.beta2 * vs[name] + (1.0 - self.beta2) * g * g
                m_hat = ms[name] / (1.0 - self.beta1**self.t)
                v_hat = vs[name] / (1.0 - self.beta2**self.t)
                w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
