"""step calls a helper whose lr defaults to 0.01 and forgets to pass self.lr on.

With the contract's default lr the result is right; any other learning rate (and every schedule) is ignored.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="hyperparameter")


def _update(w, g, v, lr=0.01, momentum=0.9, weight_decay=0.0):
    v *= momentum
    v -= lr * (g + weight_decay * w)
    w += v


class SGDMomentum(Reference):
    def step(self):
        for i, layer in enumerate(self.layers):
            for k in getattr(layer, "params", {}):
                _update(layer.params[k], layer.grads[k], self.velocities[i][k],  # BUG: lr=self.lr is not passed
                        momentum=self.momentum, weight_decay=self.weight_decay)
