"""Adam whose weight decay is left out of g and applied AdamW-style after the loops, to the last parameter only.

The decay line `w -= lr * weight_decay * w` sits after the loops over layers and parameters, so `w` is the last
parameter seen; m and v average the raw gradient everywhere. This Adam adds weight_decay * w to g before m and v
(L2, as torch.optim.Adam does), for every parameter.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['b']", hint="weight_decay")


class Adam(Reference):
    def step(self):
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        w = None
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k]  # BUG: + self.weight_decay * w
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
        if w is not None:
            w -= self.lr * self.weight_decay * w  # BUG: AdamW-style, and outside the loops
