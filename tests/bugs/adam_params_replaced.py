"""The step stores a new array in the dict (params[k] = w - ...) instead of updating the parameter in place.

The values in the dict are right, but the layer's own references (and any other holder of the array) keep the old
weights: the contract asks for an in-place update, w -= ...
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params (in place)", hint="not_in_place")


class Adam(Reference):
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
                step = self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
                layer.params[k] = w - step  # BUG: a new array in the dict; w -= step updates it in place
