"""Weight decay is subtracted from the gradient (g - weight_decay*w) instead of added.

The gradient of the penalty weight_decay/2 * |w|^2 is + weight_decay * w; with the minus sign the "decay" pushes
weights away from zero and they grow without bound.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="weight_decay")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= self.lr * (g - self.weight_decay * w)  # BUG: g + weight_decay * w
                w += v
