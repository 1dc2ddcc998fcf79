"""Dropout scales its output by 1 - p in eval mode, as the old, non-inverted dropout did at test time.

Inverted dropout already divides by 1 - p in training, so in eval mode the layer is the identity; scaling again
shrinks every activation of the trained network.
"""

from solutions.dropout import Dropout as Reference

EXPECT = dict(exercise="dropout", tensor="out", hint="scale")


class Dropout(Reference):
    def forward(self, x):
        out = super().forward(x)
        if not self.training:
            out = out * (1.0 - self.p)  # BUG: eval mode is the identity; nothing is scaled there
        return out
