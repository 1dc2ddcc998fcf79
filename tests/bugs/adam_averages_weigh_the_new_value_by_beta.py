"""Adam's moving averages weigh the new value by beta and the old one by 1 - beta: m = (1 - beta1) * m + beta1 * g.

A helper written as `ema(old, new, beta) = (1 - beta) * old + beta * new`, the convention of some other libraries,
called with Adam's betas: m and v then forget almost everything at each step.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="betas")


def ema(old, new, beta):
    return (1 - beta) * old + beta * new  # BUG: Adam's averages keep beta of the old value


class Adam(Reference):
    def step(self):
        self.t += 1
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m[...] = ema(m, g, self.beta1)
                v[...] = ema(v, g * g, self.beta2)
                w -= self.lr * (m / (1 - self.beta1**self.t)) / (np.sqrt(v / (1 - self.beta2**self.t)) + self.eps)
