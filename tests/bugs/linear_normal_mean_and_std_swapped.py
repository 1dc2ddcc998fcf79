"""__init__ calls rng.normal(std, 0.0, size): the He standard deviation passed as the mean, and a spread of 0.

Every weight starts at sqrt(2 / in_features), whatever the seed: numpy's normal takes the mean first.
"""

import numpy as np

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="init", hint="init_scale")


class Linear(Reference):
    def __init__(self, in_features, out_features, *, rng=None):
        super().__init__(in_features, out_features, rng=rng)
        std = np.sqrt(2.0 / self.in_features)
        generator = rng if rng is not None else np.random.default_rng()
        self.params["W"] = generator.normal(std, 0.0, size=(self.in_features, self.out_features))  # BUG: (0.0, std)
        self.grads["W"] = np.zeros_like(self.params["W"])
