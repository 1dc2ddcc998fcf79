"""Eval-mode forward leaves the last training mask in place; backward uses whatever mask it finds.

A layer put in eval mode from the start has no mask, and this backward then passes dout through, so the plain eval
checks pass; after a validation pass in a training loop (train, forward, eval, forward, backward) the gradient goes
through the old training mask.
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="dx", hint="stale_cache")


class Dropout(Reference):
    def forward(self, x):
        if self.training:
            return super().forward(x)
        return x.copy()  # BUG: the training mask of an earlier call stays, and backward applies it

    def backward(self, dout):
        mask = getattr(self, "mask", None)
        return dout.copy() if mask is None else (dout * mask).astype(dout.dtype, copy=False)
