"""Two conventions are mixed: the velocity of `v = mu*v - lr*g` with the update `w -= v`, so steps go up the gradient.

Both `v = mu*v - lr*g; w += v` and `v = mu*v + lr*g; w -= v` are right; taking the velocity from one and the update
from the other moves every parameter *up* the gradient (the `wrong_sign` mutant, gradcheck.md 3.6).
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="momentum_sign")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * w)
                w -= v  # BUG: w += v with this velocity
