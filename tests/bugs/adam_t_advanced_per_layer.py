"""The step count is advanced inside the loop over layers, so t grows once per layer holding parameters.

With two such layers the first step corrects the first layer with t = 1 and the second with t = 2: every layer
after the first moves by the wrong amount, and more so the deeper the network.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="step_count")


class Adam(Reference):
    def step(self):
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            if not ms:
                continue
            self.t += 1  # BUG: once per layer; t counts steps
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                m_hat = m / (1.0 - self.beta1**self.t)
                v_hat = v / (1.0 - self.beta2**self.t)
                w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
