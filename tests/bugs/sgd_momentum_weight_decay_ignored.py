"""weight_decay is never used in step.

The student wrote plain momentum SGD and forgot the L2 term, so `weight_decay=5e-4` silently does nothing. The
update needs g + weight_decay * w.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="weight_decay")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= self.lr * g  # BUG: self.lr * (g + self.weight_decay * w)
                w += v
