"""The optimizer keeps the grads arrays it found in __init__ and never looks in layer.grads again.

That works while every backward writes into those arrays (`self.grads["W"][...] = dW`), but a backward may also
rebind the entry (`self.grads["W"] = dW`, as the reference layers do): the optimizer then keeps stepping with the
stale arrays (zeros at first), and the network never learns.
"""

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="stale_grads")


class Adam(Reference):
    def __init__(self, layers, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        super().__init__(layers, lr, beta1, beta2, eps, weight_decay)
        # BUG: references to today's arrays, not to the dicts
        self.slots = [(layer.params[k], getattr(layer, "grads", {})[k], m, v[k])
                      for layer, ms, v in zip(self.layers, self.m, self.v) for k, m in ms.items()]

    def step(self):
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for w, grad, m, v in self.slots:
            g = grad + self.weight_decay * w
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * (g * g)
            w -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
