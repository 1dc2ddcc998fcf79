"""v's bias correction is applied outside the square root: sqrt(v) / (1 - beta2**t) instead of sqrt(v_hat).

The student divides the root by the correction, not the average under it; the step is too small by the factor
sqrt(1 - beta2**t), tiny in the first steps (set I).
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="bias_correction")


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
                w -= self.lr * (m / correction1) / (np.sqrt(v) / correction2 + self.eps)  # BUG: sqrt(v / c2)
