"""SGD with momentum skips a parameter whose gradient is all zero ("nothing to learn this batch").

Momentum does not stop with the gradient: the velocity still decays and still moves the parameter, so a
parameter that a batch did not reach keeps coasting.
"""

from solutions.sgd_momentum import SGDMomentum as Reference


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                if not g.any():  # BUG: the velocity still moves w; skip nothing
                    continue
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * w)
                w += v


EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="zero_grad")
