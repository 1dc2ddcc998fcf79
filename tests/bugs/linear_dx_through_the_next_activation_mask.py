"""backward masks dx with x > 0, as if the layer had a ReLU built in.

The activation is its own layer, which applies its own mask in its own backward; Linear's dx is dout @ W.T
everywhere. Right only where every input entry is positive.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dx", hint="mask")


class Linear(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        return dx * (self.x > 0)  # BUG: dx alone
