"""The weight decay is added into the layer's gradient array: g = layer.grads[k]; g += weight_decay * w.

g is not a copy: the layer's grads[k] now holds grad + weight_decay * w, so anything that reads the gradients after
the step (gradient clipping, logging, a second optimizer) sees a wrong value.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="grads (mutated)", hint="mutation")


class Adam(Reference):
    def step(self):
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k]
                g += self.weight_decay * w  # BUG: writes into the layer's gradient
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
