"""eps is added under the square root, sqrt(v_hat + eps), instead of to it, sqrt(v_hat) + eps.

With the default eps = 1e-8 and gradients of size 1 the two hardly differ, but with a larger eps (or small
gradients) the step is too large: sqrt(v_hat + eps) is much smaller than sqrt(v_hat) + eps when v_hat is small.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="eps")


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
                w -= self.lr * (m / correction1) / np.sqrt(v / correction2 + self.eps)  # BUG: eps under the root
