"""Adam keeps v at its largest value so far: v = max(v, beta2 * v + (1 - beta2) * g * g).

A half-remembered AMSGrad, applied to v itself: once the gradients shrink, v no longer follows them and the steps
become too short. With constant or growing gradients nothing shows.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="second_moment")


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
                np.maximum(v, self.beta2 * v + (1.0 - self.beta2) * (g * g), out=v)  # BUG: let v decrease
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
