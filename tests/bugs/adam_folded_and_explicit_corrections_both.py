"""Adam mixes the paper's two ways of writing the bias correction: a corrected step size
lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t) (section 2 of the paper), and the corrected moments
m / (1 - beta1**t), v / (1 - beta2**t) (Algorithm 1). Each alone is right; both together correct twice, so the
first step is sqrt(1 - beta2) / (1 - beta1), about 0.32 x the contract's, growing towards 1 as t grows.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="bias_correction")


class Adam(Reference):
    def step(self):
        self.t += 1
        c1, c2 = 1.0 - self.beta1**self.t, 1.0 - self.beta2**self.t
        lr_t = self.lr * np.sqrt(c2) / c1  # BUG: with m / c1 and v / c2 below, the correction is applied twice
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= lr_t * (m / c1) / (np.sqrt(v / c2) + self.eps)
