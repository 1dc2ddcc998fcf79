"""step decays the learning rate after every update: self.lr *= 0.99, a schedule hidden in the optimizer.

The first step is right; every later one is a little shorter. A schedule belongs to the training loop, which
sets lr; step only reads it.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="hyperparameter")


class SGDMomentum(Reference):
    def step(self):
        super().step()
        self.lr *= 0.99  # BUG: leave self.lr as constructed
