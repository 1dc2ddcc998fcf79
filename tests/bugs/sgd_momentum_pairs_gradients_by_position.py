"""SGD with momentum pairs each parameter with a gradient by position: zip over params.values() and grads.values().

That works while both dicts list their keys in the same order. A layer whose backward builds its grads dict in
another order (`self.grads = {"b": db, "W": dW}`) then moves W by b's gradient (or the step raises on the shapes).
"""

import numpy as np

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params", hint="keys")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            # BUG: pairs by position; use layer.grads[k] for each key k
            for w, g, v in zip(layer.params.values(), layer.grads.values(), velocities.values()):
                v *= self.momentum
                v -= self.lr * (np.asarray(g) + self.weight_decay * w)
                w += v
