"""Velocities are keyed by parameter name only, so the "W" of every layer shares one velocity.

The student ignores self.velocities and writes `self.v.setdefault(k, zeros)`: fine for one layer, but in a network
conv1.W and conv2.W (same name) share one velocity whenever their shapes allow it.
"""

import numpy as np

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="momentum_state")


class SGDMomentum(Reference):
    def step(self):
        if not hasattr(self, "v"):
            self.v = {}
        for layer in self.layers:
            for k, w in layer.params.items():
                g = layer.grads[k]
                v = self.v.setdefault(k, np.zeros_like(w))  # BUG: keyed by name only; one per (layer, name)
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * w)
                w += v
