"""SGD with momentum shrinks the weights after moving them, `w -= lr * weight_decay * w`, outside the velocity.

That is decoupled weight decay (as AdamW does it); the contract's L2 decay goes into the velocity with the
gradient, so it also gathers momentum.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="weight_decay")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= self.lr * g
                w += v
                w -= self.lr * self.weight_decay * w  # BUG: weight_decay * w belongs with g, inside v
