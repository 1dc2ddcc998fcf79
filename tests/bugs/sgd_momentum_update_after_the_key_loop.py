"""`w += v` is indented one level too little: it runs once after the loop over the keys, for the last key only.

The velocities of every parameter are updated, but only the last one of each layer (its bias) moves.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="keys")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            w = v = None
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * w)
            if w is not None:
                w += v  # BUG: inside the loop over the keys
