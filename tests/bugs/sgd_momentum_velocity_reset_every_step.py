"""The velocity is re-created as zeros at every step, so momentum never builds up.

`v = np.zeros_like(w)` inside step (copied from the constructor) makes every update plain SGD; the velocity has to
live from one step to the next in self.velocities.
"""

import numpy as np

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="momentum_state")


class SGDMomentum(Reference):
    def step(self):
        for layer in self.layers:
            for k, w in layer.params.items():
                g = layer.grads[k]
                v = np.zeros_like(w)  # BUG: use the stored self.velocities[i][k]
                v = self.momentum * v - self.lr * (g + self.weight_decay * w)
                w += v
