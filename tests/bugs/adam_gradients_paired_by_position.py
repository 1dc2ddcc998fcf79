"""Adam walks a layer's params and grads side by side, `zip(layer.params.items(), layer.grads.values())`.

The contract pairs a parameter with its gradient by key; dicts with the same keys may list them in another order
(a backward that writes `self.grads = {"b": db, "W": dW}`), and then W is moved by b's gradient.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params", hint="keys")


class Adam(Reference):
    def step(self):
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for (k, w), grad in zip(layer.params.items(), layer.grads.values()):  # BUG: use layer.grads[k]
                m, v = ms[k], vs[k]
                g = grad + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
