"""The new velocity is bound to a local name (`v = mu*v - ...`) and never stored, so momentum never builds up.

`v` starts as the stored array, but the assignment makes a new array and rebinds the name; the array in
self.velocities stays zero, and every step is plain SGD. `v *= mu; v -= ...` (in place) keeps it.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="momentum_state")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v = self.momentum * v - self.lr * (g + self.weight_decay * w)  # BUG: rebinds v; update in place
                w += v
