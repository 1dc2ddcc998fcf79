"""SGD with momentum keeps the velocity as an exponential average: v = momentum * v - (1 - momentum) * lr * g.

That is momentum with dampening (an option of torch.optim.SGD, off by default); the contract's velocity adds the
whole step, v = momentum * v - lr * g, so every step here is ten times too short at momentum 0.9.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="scale")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= (1.0 - self.momentum) * self.lr * (g + self.weight_decay * w)  # BUG: no (1 - momentum)
                w += v
