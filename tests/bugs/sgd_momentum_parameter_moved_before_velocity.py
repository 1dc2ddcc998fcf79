"""The parameter is moved by the velocity before the velocity is updated, so every update lags one step.

`w += v` comes first, with the velocity of the previous step: the first step moves nothing (v starts at 0) and
each later step uses the velocity one step old. It still converges, slowly, so training looks almost right.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="order")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                w += v  # BUG: after the velocity update below
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * w)
