"""Adam written as torch.optim.Adam computes it: the step size lr / (1 - beta1**t), the denominator
sqrt(v) / sqrt(1 - beta2**t) + eps, and m and v updated with lerp-like in-place arithmetic.

The same update as the contract's, rearranged (equal up to round-off): valid.
"""

import math

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = None


class Adam(Reference):
    def step(self):
        self.t += 1
        step_size = self.lr / (1.0 - self.beta1**self.t)
        root_correction = math.sqrt(1.0 - self.beta2**self.t)
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k]
                if self.weight_decay != 0:
                    g = g + self.weight_decay * w
                m += (1.0 - self.beta1) * (g - m)
                v *= self.beta2
                v += (1.0 - self.beta2) * g * g
                denominator = np.sqrt(v) / root_correction + self.eps
                w -= step_size * (m / denominator)
