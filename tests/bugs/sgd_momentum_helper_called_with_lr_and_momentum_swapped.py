"""A helper new_velocity(v, g, lr, momentum) is called as new_velocity(v, g, self.momentum, self.lr).

Both arguments are floats, so nothing complains: the velocity keeps lr of itself and adds momentum times the step.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="scale")


def new_velocity(v, g, lr, momentum):
    return momentum * v - lr * g


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v[...] = new_velocity(v, g + self.weight_decay * w, self.momentum, self.lr)  # BUG: lr, momentum
                w += v
