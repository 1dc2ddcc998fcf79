"""Linear keeps its inputs on a list defined in the class body and backward reads the last one.

`saved = []` in the class body is shared by every Linear, and `.append` never rebinds it: in a network with
two Linear layers, the first layer's backward reads the second layer's input (and the list grows forever).
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dW", hint="shared_state")


class Linear(Reference):
    saved = []  # BUG: one list for the whole class

    def forward(self, x):
        self.saved.append(x)
        return super().forward(x)

    def backward(self, dout):
        self.x = self.saved[-1]
        return super().backward(dout)
