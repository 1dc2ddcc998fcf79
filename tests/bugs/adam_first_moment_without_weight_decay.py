"""Adam adds weight_decay * w to the gradient for v but averages the raw gradient into m.

The decayed gradient is computed once, on the line for v; m was written a line earlier from layer.grads directly.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="weight_decay")


class Adam(Reference):
    def step(self):
        self.t += 1
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k in ms:
                w = layer.params[k]
                ms[k] = self.beta1 * ms[k] + (1 - self.beta1) * layer.grads[k]  # BUG: g with the decay, as for v
                g = layer.grads[k] + self.weight_decay * w
                vs[k] = self.beta2 * vs[k] + (1 - self.beta2) * g * g
                w -= self.lr * (ms[k] / (1 - self.beta1**self.t)) / (np.sqrt(vs[k] / (1 - self.beta2**self.t)) + self.eps)
