"""The first step seeds the velocity with the raw gradient, v = -g, "since v is still zero".

Every later step follows v = momentum * v - lr * g; the first one is 1 / lr times too large.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="scale")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w = layer.params[k]
                g = layer.grads[k] + self.weight_decay * w
                if not v.any():
                    v -= g  # BUG: v = momentum * v - lr * g, as on every step
                else:
                    v *= self.momentum
                    v -= self.lr * g
                w += v
