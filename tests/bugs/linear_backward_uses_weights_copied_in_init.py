"""Linear's backward computes dx with the initial weights, not the current params["W"]
(e.g. a transposed copy of W made once in __init__), so dx goes wrong after the first update; read self.params["W"] in
every call.

Right before the first update, wrong after it: the optimizer changes params["W"] in place, the copy stays.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dx", hint="stale_params")


class Linear(Reference):
    def __init__(self, in_features, out_features, *, rng=None):
        super().__init__(in_features, out_features, rng=rng)
        self.W_T = self.params["W"].T.copy()  # BUG: a snapshot; read self.params["W"] in backward

    def backward(self, dout):
        super().backward(dout)
        return (dout @ self.W_T).astype(self.x.dtype, copy=False)
