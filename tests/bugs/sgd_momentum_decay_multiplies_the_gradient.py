"""The weight-decay term is weight_decay * g instead of weight_decay * w: the step just grows by 1 + weight_decay.

A slip between two one-letter names; there is then no pull of the weights towards zero at all.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="weight_decay")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                g = layer.grads[k]
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * g)  # BUG: weight_decay * w
                layer.params[k] += v
