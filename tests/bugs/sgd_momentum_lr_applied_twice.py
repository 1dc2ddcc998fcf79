"""The learning rate is applied twice: v = mu*v - lr*g, then w += lr*v.

The student mixed the two usual forms (lr inside the velocity, or v = mu*v + g and w -= lr*v) and kept the lr of
both, so steps are lr times too small (and momentum's contribution too).
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="scale")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * w)
                w += self.lr * v  # BUG: w += v, lr is already in v
