"""SGD with momentum adds the new step to the velocity first and scales the sum: v = momentum * (v - lr * g).

The fresh step is then damped by the momentum too: the first step moves 0.9 * lr * g instead of lr * g.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="scale")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v -= self.lr * (g + self.weight_decay * w)
                v *= self.momentum  # BUG: scale the old velocity first, then add the step
                w += v
