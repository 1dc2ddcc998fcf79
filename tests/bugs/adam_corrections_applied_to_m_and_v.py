"""The bias corrections are applied in place to m and v themselves: `m_hat = m; m_hat /= 1 - beta1**t`.

`m_hat = m` names the same array, so dividing it in place corrects the running average that the next step
builds on. The first step is exact; every later one starts from corrected averages (set I).
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
                m_hat = m
                m_hat /= 1.0 - self.beta1**self.t  # BUG: m itself is corrected; m / (1 - beta1**t) is a new array
                v_hat = v
                v_hat /= 1.0 - self.beta2**self.t  # BUG: likewise v
                w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
