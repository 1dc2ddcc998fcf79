"""The parameter is replaced by a new array (`params[k] = w + v`) instead of updated in place (`w += v`).

The values in params are right, but the layer dict now holds a different object from the one other code (and the
optimizer's next step, via references kept elsewhere) holds. The contract asks for `w += v`.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params (in place)", hint="not_in_place")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * w)
                layer.params[k] = w + v  # BUG: w += v
