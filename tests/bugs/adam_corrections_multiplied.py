"""Adam multiplies m and v by their bias corrections instead of dividing by them.

m * (1 - beta1**t) makes the early steps smaller still, the opposite of what the correction is for.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="bias_correction")


class Adam(Reference):
    def step(self):
        self.t += 1
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                v, w = vs[k], layer.params[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1 - self.beta1) * g
                v *= self.beta2
                v += (1 - self.beta2) * g * g
                m_hat = m * (1 - self.beta1**self.t)  # BUG: divide by the correction
                v_hat = v * (1 - self.beta2**self.t)  # BUG: likewise
                w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
