"""forward casts the parameters by replacing them: `self.params["W"] = self.params["W"].astype(x.dtype)`.

`astype` makes a new array every call, so an optimizer's in-place updates land on arrays the layer no longer
holds, and a float32 input leaves float32 parameters behind. Outputs and gradients of one call look right (set I).
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="params", hint="params_replaced")


class Linear(Reference):
    def forward(self, x):
        for key in ("W", "b"):
            self.params[key] = self.params[key].astype(x.dtype)  # BUG: cast into a local name instead
        return super().forward(x)
