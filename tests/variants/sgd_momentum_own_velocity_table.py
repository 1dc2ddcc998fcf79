"""SGD that keeps its own velocities in a dict keyed by (layer index, parameter name), created lazily.

Ignores the constructor's self.velocities but still keeps exactly one velocity per parameter: valid.
"""

import numpy as np

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = None


class SGDMomentum(Reference):
    def step(self):
        if not hasattr(self, "state"):
            self.state = {}
        for i, layer in enumerate(self.layers):
            for k, w in getattr(layer, "params", {}).items():
                g = layer.grads[k]
                v = self.state.get((i, k), np.zeros_like(w))
                v = self.momentum * v - self.lr * (g + self.weight_decay * w)
                self.state[(i, k)] = v
                w += v
