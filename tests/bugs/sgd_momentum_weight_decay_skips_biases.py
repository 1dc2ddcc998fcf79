"""Weight decay is applied to the weight matrices only, not to the biases (1-D parameters).

Skipping biases is a common training recipe, but the contract decays every parameter: with weight_decay > 0 the
biases move by the wrong amount.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['b']", hint="weight_decay")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                decay = self.weight_decay if w.ndim > 1 else 0.0  # BUG: self.weight_decay for every parameter
                v *= self.momentum
                v -= self.lr * (g + decay * w)
                w += v
