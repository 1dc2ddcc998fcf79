"""Adam with its own state table, created lazily: one (step count, m, v) per (layer index, parameter name).

Each parameter counts its own steps, as torch.optim.Adam's state["step"] does; since every parameter is updated
at every step, each count equals the optimizer's t, and the constructor's self.m, self.v, self.t go unused: valid.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = None


class Adam(Reference):
    def step(self):
        if not hasattr(self, "state"):
            self.state = {}
        for i, layer in enumerate(self.layers):
            for k, w in getattr(layer, "params", {}).items():
                count, m, v = self.state.get((i, k), (0, np.zeros_like(w), np.zeros_like(w)))
                count += 1
                g = layer.grads[k] + self.weight_decay * w
                m = self.beta1 * m + (1 - self.beta1) * g
                v = self.beta2 * v + (1 - self.beta2) * g**2
                self.state[(i, k)] = (count, m, v)
                m_hat = m / (1 - self.beta1**count)
                v_hat = v / (1 - self.beta2**count)
                w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
