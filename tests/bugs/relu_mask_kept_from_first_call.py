"""ReLU computes its mask only on the first forward call (`if self.mask is None`), so every later batch is
backpropagated through the first batch's mask.

One forward and one backward per layer object, as a single check does, cannot show it; a network calls each
layer once per batch.
"""

from solutions.relu import ReLU as Reference

EXPECT = dict(exercise="relu", tensor="dx", hint="shared_state")


class ReLU(Reference):
    def forward(self, x):
        first_mask = getattr(self, "mask", None)
        out = super().forward(x)
        if first_mask is not None and first_mask.shape == x.shape:
            self.mask = first_mask  # BUG: keeps the first call's mask; compute it on every call
        return out
