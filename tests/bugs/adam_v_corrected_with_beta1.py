"""Adam's v bias-corrected with beta1, a copy-and-paste slip: v_hat = v / (1 - beta1**t).

At the first step v_hat = 0.001 * g * g / 0.1, so sqrt(v_hat) is 0.1 |g| and every entry moves 10 * lr instead of
lr; the factor shrinks as t grows.
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
                m_hat = m / (1.0 - self.beta1**self.t)
                v_hat = v / (1.0 - self.beta1**self.t)  # BUG: 1 - self.beta2**self.t
                w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
