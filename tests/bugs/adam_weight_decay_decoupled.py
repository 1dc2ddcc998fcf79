"""Weight decay applied as in AdamW (decoupled, w -= lr * weight_decay * w beside the step) instead of as L2.

The contract's Adam, like torch.optim.Adam, adds weight_decay * w to the gradient before m and v; AdamW keeps the
decay out of the averages. Both are reasonable optimizers, but they move the weights differently.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="weight_decay")


class Adam(Reference):
    def step(self):
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k]
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * (g * g)
                w -= self.lr * self.weight_decay * w  # BUG: AdamW's decoupled decay; L2 adds it to g above
                w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
