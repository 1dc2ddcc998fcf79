"""The learning rate is copied in __init__ and step uses the copy, so a schedule that sets optimizer.lr has no effect.

Right at a constant learning rate; with warm-up or decay (as `gradkit train` does), the steps keep the first lr.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="lr_schedule")


class Adam(Reference):
    def __init__(self, layers, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        super().__init__(layers, lr, beta1, beta2, eps, weight_decay)
        self.alpha = self.lr  # BUG: a copy; a schedule changes self.lr, not this

    def step(self):
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.alpha * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
