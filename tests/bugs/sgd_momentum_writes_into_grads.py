"""Weight decay is added to the layer's gradient array in place (`g += weight_decay * w`).

Use a new array.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="grads (mutated)", hint="mutation")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                g += self.weight_decay * w  # BUG: writes into layer.grads[k]
                v *= self.momentum
                v -= self.lr * g
                w += v
