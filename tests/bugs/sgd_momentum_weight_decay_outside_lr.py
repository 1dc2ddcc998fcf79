"""Weight decay is added outside the learning rate (v = mu*v - lr*g - weight_decay*w) instead of inside it.

The penalty's gradient belongs with the loss gradient inside the bracket multiplied by lr; outside it the decay is
1/lr times too strong (100x for lr = 0.01).
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="weight_decay")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= self.lr * g + self.weight_decay * w  # BUG: self.lr * (g + self.weight_decay * w)
                w += v
