"""A folded step size written upside down: lr * (1 - beta1**t) / sqrt(1 - beta2**t).

The folded form is lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t), applied to the raw m / (sqrt(v) + eps);
inverted, the first step is 10 times too large and the factor grows for a while.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="bias_correction")


class Adam(Reference):
    def step(self):
        self.t += 1
        t, b1, b2 = self.t, self.beta1, self.beta2
        lr_t = self.lr * (1 - b1**t) / np.sqrt(1 - b2**t)  # BUG: self.lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k, m in ms.items():
                w, v = layer.params[k], vs[k]
                g = layer.grads[k] + self.weight_decay * w
                m *= b1
                m += (1 - b1) * g
                v *= b2
                v += (1 - b2) * g * g
                w -= lr_t * m / (np.sqrt(v) + self.eps)
