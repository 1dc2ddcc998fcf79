"""The optimizer keeps the grads arrays it found in __init__ and never looks in layer.grads again.

That works while every backward writes into those arrays (`self.grads["W"][...] = dW`), but a backward may
also rebind the entry (`self.grads["W"] = dW`, as the reference does): the optimizer then keeps stepping
with the stale arrays (zeros at first), and the network never learns.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="stale_grads")


class SGDMomentum(Reference):
    def __init__(self, layers, lr=0.01, momentum=0.9, weight_decay=0.0):
        super().__init__(layers, lr, momentum, weight_decay)
        # BUG: references to today's arrays, not to the dicts
        self.triples = [(layer.params[k], getattr(layer, "grads", {})[k], v)
                        for layer, velocities in zip(self.layers, self.velocities) for k, v in velocities.items()]

    def step(self):
        for w, g, v in self.triples:
            v *= self.momentum
            v -= self.lr * (g + self.weight_decay * w)
            w += v
