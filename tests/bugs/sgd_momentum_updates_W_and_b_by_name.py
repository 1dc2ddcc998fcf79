"""SGD with momentum updates `params["W"]` and `params["b"]` by name, the keys of Conv2D and Linear.

A layer with other parameter names (BatchNorm's gamma and beta) is silently never trained.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params", hint="keys")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k in ("W", "b"):  # BUG: for k in layer.params
                if k not in velocities:
                    continue
                w, g, v = layer.params[k], layer.grads[k], velocities[k]
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * w)
                w += v
