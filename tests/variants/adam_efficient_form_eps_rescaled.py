"""The paper's "efficient" form of Adam: both bias corrections folded into the step size,
lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t), with eps rescaled to eps * sqrt(1 - beta2**t).

Multiplying the contract's m_hat / (sqrt(v_hat) + eps) by sqrt(1 - beta2**t) / sqrt(1 - beta2**t) gives exactly
this, so it is the same update (up to round-off): valid.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = None


class Adam(Reference):
    def step(self):
        self.t += 1
        root = np.sqrt(1.0 - self.beta2**self.t)
        step_size = self.lr * root / (1.0 - self.beta1**self.t)
        eps_hat = self.eps * root
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m[...] = self.beta1 * m + (1.0 - self.beta1) * g
                v[...] = self.beta2 * v + (1.0 - self.beta2) * np.square(g)
                w -= step_size * m / (np.sqrt(v) + eps_hat)
