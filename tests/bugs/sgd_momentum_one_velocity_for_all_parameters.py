"""One velocity is shared by every parameter instead of one velocity per parameter.

The student keeps a single running velocity, as for a one-parameter toy problem, so each parameter's step inherits
the momentum of the parameter updated just before it. Each parameter needs its own velocity.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="momentum_state")


class SGDMomentum(Reference):
    def step(self):
        if not hasattr(self, "v"):
            self.v = 0.0
        for layer in self.layers:
            for k, w in layer.params.items():
                g = layer.grads[k]
                # BUG: one self.v for all parameters; use self.velocities[i][k]
                self.v = self.momentum * self.v - self.lr * (g + self.weight_decay * w)
                w += self.v
