"""Weight decay shrinks w directly before the momentum step, w -= lr * weight_decay * w, and the velocity sees g alone.

Decoupled decay written into a momentum optimizer: the decay gets no momentum, so the result differs from the
contract's L2 term inside the velocity from the second step on.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="weight_decay")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for name, v in velocities.items():
                w = layer.params[name]
                w *= 1.0 - self.lr * self.weight_decay  # BUG: the decay belongs inside v, with the gradient
                v[...] = self.momentum * v - self.lr * layer.grads[name]
                w += v
