"""SGD with momentum rescales every gradient whose norm exceeds 10 ("gradient clipping, for stability").

Clipping is a training trick a trainer may add around the optimizer; this exercise's step takes the gradient as
it is. With ordinary gradients nothing shows; a batch with a large loss moves the parameters too little.
"""

import numpy as np

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="clip")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                norm = float(np.linalg.norm(g))
                if norm > 10.0:
                    g = g * (10.0 / norm)  # BUG: no clipping in the update
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * w)
                w += v
