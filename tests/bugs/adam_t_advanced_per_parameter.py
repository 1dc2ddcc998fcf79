"""The step count is advanced inside the loop over parameters, so t grows once per parameter, not once per step.

With four parameters, the first step corrects them with t = 1, 2, 3 and 4: only the first parameter moves right,
and t runs ahead faster the more parameters the network has.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="step_count")


class Adam(Reference):
    def step(self):
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                self.t += 1  # BUG: once per parameter; t counts steps
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                m_hat = m / (1.0 - self.beta1**self.t)
                v_hat = v / (1.0 - self.beta2**self.t)
                w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
