"""Weight decay enters the velocity as weight_decay * sign(w), the gradient of an L1 penalty, not weight_decay * w.

"Decay pulls every weight towards 0" read literally: each weight moves by the same amount whatever its size.
"""

import numpy as np

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="weight_decay")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * np.sign(w))  # BUG: weight_decay * w
                w += v
