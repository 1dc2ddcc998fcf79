"""SGD with the equivalent convention v = mu*v + lr*(g + wd*w); w -= v.

The velocity is the negative of the reference's, and the update subtracts it: every parameter follows
exactly the same trajectory, so it must score full marks.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = None


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v += self.lr * (g + self.weight_decay * w)
                w -= v
