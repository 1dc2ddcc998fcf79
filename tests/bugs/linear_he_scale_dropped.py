"""The constructor draws W from a standard normal: the He factor sqrt(2 / in_features) is gone.

Gradients are still right, but a deep network starts with exploding activations and trains badly.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="init", hint="init_scale")


class Linear(Reference):
    def __init__(self, in_features, out_features, *, rng=None):
        super().__init__(in_features, out_features, rng=rng)
        self.params["W"] /= (2.0 / self.in_features) ** 0.5  # BUG: undoes the He scale
