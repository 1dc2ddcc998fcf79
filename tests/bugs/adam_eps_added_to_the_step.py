"""A missing parenthesis: w -= lr * m_hat / np.sqrt(v_hat) + eps adds eps to the step, not to the denominator.

Every entry moves by eps more than it should, and an entry whose gradient is 0 from the start divides 0 by 0.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="eps")


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
                m_hat, v_hat = m / (1 - self.beta1**self.t), v / (1 - self.beta2**self.t)
                with np.errstate(divide="ignore", invalid="ignore"):
                    w -= self.lr * m_hat / np.sqrt(v_hat) + self.eps  # BUG: / (np.sqrt(v_hat) + self.eps)
