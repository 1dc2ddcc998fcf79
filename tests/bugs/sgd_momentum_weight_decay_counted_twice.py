"""The L2 term is differentiated as if the penalty were weight_decay * sum(w**2): 2 * weight_decay * w.

The contract's penalty is weight_decay / 2 * sum(w**2), whose gradient is weight_decay * w; the student's factor 2
makes every step decay the weights twice as hard.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="hyperparameter")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= self.lr * (g + 2 * self.weight_decay * w)  # BUG: the penalty's gradient is weight_decay * w
                w += v
