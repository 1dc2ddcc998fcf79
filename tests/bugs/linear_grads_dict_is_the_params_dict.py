"""__init__ makes grads the params dict itself: self.grads = self.params.

Every gradient backward stores then replaces the parameter under the same key: after one backward, W is dW and b
is db, and the next forward computes with the weights gone.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="params['W']", hint="mutation")


class Linear(Reference):
    def __init__(self, in_features, out_features, rng=None):
        super().__init__(in_features, out_features, rng=rng)
        self.grads = self.params  # BUG: {k: np.zeros_like(v) for k, v in self.params.items()}
