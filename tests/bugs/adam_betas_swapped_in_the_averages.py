"""The two moving averages use each other's beta: m decays with beta2 and v with beta1.

The bias corrections still use beta1 for m and beta2 for v. Easy to do when the betas are unpacked from a tuple in
the other order; the first step is already wrong (m_hat is g * (1 - beta2) / (1 - beta1)).
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="betas")


class Adam(Reference):
    def step(self):
        self.t += 1
        b2, b1 = self.beta1, self.beta2  # BUG: unpacked the other way round
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for key in ms:
                g = layer.grads[key] + self.weight_decay * layer.params[key]
                ms[key] = b1 * ms[key] + (1 - b1) * g
                vs[key] = b2 * vs[key] + (1 - b2) * g * g
                m_hat = ms[key] / (1 - self.beta1**self.t)
                v_hat = vs[key] / (1 - self.beta2**self.t)
                layer.params[key] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
