"""The PyTorch convention: the velocity sums raw gradients and lr scales the step (v = mu*v + g; w -= lr*v).

With a constant lr it moves exactly as the contract's update, but when a schedule changes optimizer.lr
between steps (as `gradkit train` does), the new lr rescales all the momentum accumulated before it.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="lr_schedule")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v += g + self.weight_decay * w  # BUG: lr belongs inside the velocity
                w -= self.lr * v
